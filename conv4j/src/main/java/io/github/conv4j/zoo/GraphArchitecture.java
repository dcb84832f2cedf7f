package io.github.conv4j.zoo;

import io.github.conv4j.nn.Block;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.ModelSummary;
import io.github.conv4j.tensor.Shape;

/** What every graph architecture of the zoo does with its block: build it over an input, or summarise it without weights. */
final class GraphArchitecture {
    private GraphArchitecture() {}

    /** {@code block} as the whole network over per-sample {@code input}, its names unprefixed, initialised from {@code seed}. */
    static Graph build(Block block, Shape input, long seed) {
        GraphBuilder b = new GraphBuilder(input);
        return b.build(block.addTo(b, "", b.input()), seed);
    }

    /** The layer-by-layer summary of {@code block} over {@code input}, without allocating the weights. */
    static ModelSummary summary(Block block, Shape input) {
        GraphBuilder b = new GraphBuilder(input);
        block.addTo(b, "", b.input());
        return ModelSummary.ofGraph(b.nodes());
    }

    /** The channels of a C×H×W input, or an IllegalArgumentException naming the architecture and the shape. */
    static int channels(String architecture, Shape input) {
        if (input.rank() != 3 || input.dim(0) <= 0 || input.dim(1) <= 0 || input.dim(2) <= 0)
            throw new IllegalArgumentException(architecture + " takes C×H×W images, got input " + input);
        return input.dim(0);
    }
}

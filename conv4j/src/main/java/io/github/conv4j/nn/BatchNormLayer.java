package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@link BatchNorm1d} and {@link BatchNorm2d} as layers: the same settings, parameters, state,
 * cost and runtime ({@link BatchNormSettings}); they differ only in the input's layout, N×C or
 * N×C×H×W, given here by the names of the dimensions after the channel. The runtime's plane is
 * what those dimensions hold (1 for N×C: the same kernel and math with H·W = 1).
 */
abstract class BatchNormLayer implements Layer {
    private final BatchNormSettings settings;
    private final int rank;
    private final String layout, expected;   // "N×C×H×W"; ", H, W", the plane's part of the expected input

    /** {@code plane}: the names of the input's dimensions after the channel (none, or H and W). */
    BatchNormLayer(BatchNormSettings settings, String... plane) {
        this.settings = settings;
        this.rank = 2 + plane.length;
        StringBuilder l = new StringBuilder("N×C"), e = new StringBuilder();
        for (String d : plane) {
            l.append('×').append(d);
            e.append(", ").append(d);
        }
        this.layout = l.toString();
        this.expected = e.toString();
    }

    @Override public final String spec() { return settings.spec(); }

    /** The epsilon added to the variance: what {@link BatchNormFolding} needs to fold the running statistics. */
    final float eps() { return settings.eps(); }

    @Override public final String describe() { return settings.describe(); }

    @Override public final Shape outputShape(Shape input) {
        Layer.requireRank(describe(), input, rank, layout);
        if (input.dim(1) != settings.count())
            throw new IllegalArgumentException(describe() + ": expected input [N, " + settings.count() + expected + "], got " + input);
        return input;
    }

    @Override public final List<Shape> parameterShapes() { return settings.parameterShapes(); }
    @Override public final List<Shape> stateShapes() { return settings.stateShapes(); }

    @Override public final void initialize(List<Tensor> params, List<Tensor> state, SplittableRandom rng) { settings.initialize(params, state); }

    @Override public final long flops(Shape sampleInput) { return 2 * sampleInput.size(); }

    @Override public final Op create(LayerContext ctx) {
        Shape sample = ctx.sampleInput();
        outputShape(sample.prependBatch(1));
        return settings.runtime(ctx, sample.size() / sample.dim(0));   // the plane: H·W, or 1
    }
}

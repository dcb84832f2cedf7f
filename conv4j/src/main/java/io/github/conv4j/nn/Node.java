package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import java.util.List;
import java.util.Optional;

/**
 * One node of a {@link Graph}, made by a {@link GraphBuilder}: the graph's input, a single-input
 * {@link Layer} or a {@link MergeLayer}, with its name, its input nodes and its per-sample output
 * shape (known as soon as the node is added). Its parameters are named after it:
 * {@code <node name>.weight}.
 */
public final class Node {
    /** The name of a graph's input node. */
    public static final String INPUT = "input";

    private final GraphBuilder builder;
    private final int index;
    private final String name;
    private final Layer layer;        // null for the input and for merges
    private final MergeLayer merge;   // null unless a merge
    private final List<Node> inputs;
    private final Shape sampleOutput;

    Node(GraphBuilder builder, int index, String name, Layer layer, MergeLayer merge, List<Node> inputs, Shape sampleOutput) {
        this.builder = builder;
        this.index = index;
        this.name = name;
        this.layer = layer;
        this.merge = merge;
        this.inputs = List.copyOf(inputs);
        this.sampleOutput = sampleOutput;
    }

    /** The node's name, unique in its graph, e.g. {@code layer1.0.conv1}. */
    public String name() { return name; }

    /** The nodes this one reads, in order (empty for the input). */
    public List<Node> inputs() { return inputs; }

    /** The per-sample shape of this node's output. */
    public Shape sampleOutput() { return sampleOutput; }

    /** The single-input layer this node runs, if it is one. */
    public Optional<Layer> layer() { return Optional.ofNullable(layer); }

    /** The merge layer this node runs, if it is one. */
    public Optional<MergeLayer> merge() { return Optional.ofNullable(merge); }

    /** True for the graph's input node. */
    public boolean isInput() { return layer == null && merge == null; }

    /** The layer's description ({@code input} for the input node). */
    public String describe() { return layer != null ? layer.describe() : merge != null ? merge.describe() : INPUT; }

    /** The layer's {@link Layer#spec()} (or {@link MergeLayer#spec()}); {@code input} for the input node. */
    public String spec() { return layer != null ? layer.spec() : merge != null ? merge.spec() : INPUT; }

    GraphBuilder builder() { return builder; }

    /** Position in the builder's (topological) order; the input is 0. */
    int index() { return index; }

    @Override public String toString() { return name + " (" + describe() + ", " + Checks.batchOf(sampleOutput) + ")"; }
}

package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link Graph} functionally: each {@code add} names a node, gives its layer and its input
 * nodes, checks the shapes at once and returns the new node to feed others with.
 * <pre>{@code
 * GraphBuilder b = new GraphBuilder(Shape.of(3, 32, 32));
 * Node x = b.input();
 * Node c = b.add("conv1", new Conv2d(3, 3, 3).padding(1), x);
 * Node y = b.add("add", new Add(), c, x);
 * Graph g = b.build(y, 42);
 * }</pre>
 * Nodes are kept in the order they were added, which is a topological order since a node's inputs
 * exist before it. A name is unique, without spaces or commas, and not {@value Node#INPUT}; dotted
 * names ({@code layer1.0.conv1}) are how {@link Block}s nest.
 */
public final class GraphBuilder {
    private final List<Node> nodes = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private boolean built;

    /** A builder of a graph over inputs of per-sample shape {@code sampleInput} (e.g. 3×32×32). */
    public GraphBuilder(Shape sampleInput) {
        nodes.add(new Node(this, 0, Node.INPUT, null, null, List.of(), sampleInput));
        names.add(Node.INPUT);
    }

    /** The graph's input node. */
    public Node input() { return nodes.get(0); }

    /** The nodes so far, in the order added (the input first). */
    public List<Node> nodes() { return Collections.unmodifiableList(nodes); }

    /** Adds node {@code name} running {@code layer} on {@code input}'s output; the shape is checked now. */
    public Node add(String name, Layer layer, Node input) {
        checkName(name);
        check(name, input);
        Shape out;
        try {
            out = layer.outputShape(input.sampleOutput().prependBatch(1)).dropBatch();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
        return append(name, layer, null, List.of(input), out);
    }

    /** Adds node {@code name} merging {@code inputs} with {@code layer}; the shapes are checked now. */
    public Node add(String name, MergeLayer layer, Node... inputs) { return add(name, layer, List.of(inputs)); }

    /** Adds node {@code name} merging {@code inputs} (in this order) with {@code layer}. */
    public Node add(String name, MergeLayer layer, List<Node> inputs) {
        checkName(name);
        if (inputs.isEmpty()) throw new IllegalArgumentException(name + ": a merge needs inputs");
        List<Shape> shapes = new ArrayList<>();
        for (Node n : inputs) {
            check(name, n);
            shapes.add(n.sampleOutput());
        }
        Shape out;
        try {
            out = layer.outputShape(shapes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
        return append(name, null, layer, inputs, out);
    }

    private Node append(String name, Layer layer, MergeLayer merge, List<Node> inputs, Shape out) {
        Node n = new Node(this, nodes.size(), name, layer, merge, inputs, out);
        nodes.add(n);
        names.add(name);
        return n;
    }

    private void checkName(String name) {
        if (built) throw new IllegalStateException("this builder has built its graph; start a new GraphBuilder");
        if (name == null || name.isEmpty() || name.chars().anyMatch(c -> Character.isWhitespace(c) || c == ','))
            throw new IllegalArgumentException("node name '" + name + "' must be non-empty, without spaces or commas");
        if (names.contains(name))
            throw new IllegalArgumentException("node name '" + name + "' is taken" + (name.equals(Node.INPUT) ? " by the graph's input" : ""));
    }

    private void check(String name, Node input) {
        if (input == null || input.builder() != this)
            throw new IllegalArgumentException(name + ": input " + input + " is not a node of this builder");
    }

    /** {@code prefix.name}, or {@code name} alone for an empty prefix: how blocks name their nodes. */
    public static String join(String prefix, String name) { return ParameterBuffers.dotted(prefix, name); }

    /** The graph computing {@code output}, its parameters initialised from {@code seed}. */
    public Graph build(Node output, long seed) { return Graph.build(reachable(output), seed, true); }

    /** {@link #build(Node, long)} with {@link Sequential#DEFAULT_SEED}. */
    public Graph build(Node output) { return build(output, Sequential.DEFAULT_SEED); }

    /**
     * The graph for inference only: no gradients, parameters and state left at zero for the caller
     * to fill (what {@code ModelFile.loadForInference} does), in evaluation mode.
     */
    public Graph buildForInference(Node output, long seed) { return Graph.build(reachable(output), seed, false); }

    /** The nodes up to {@code output}, which must be the last added: every node has to lead to it. */
    private List<Node> reachable(Node output) {
        check("output", output);
        if (output.isInput()) throw new IllegalArgumentException("a graph needs at least one node besides its input");
        boolean[] used = new boolean[nodes.size()];
        used[output.index()] = true;
        for (int i = output.index(); i >= 0; i--)
            if (used[i]) for (Node in : nodes.get(i).inputs()) used[in.index()] = true;
        for (int i = 0; i < nodes.size(); i++)
            if (!used[i]) throw new IllegalArgumentException("node '" + nodes.get(i).name() + "' does not lead to the output '" + output.name() + "'");
        built = true;
        return List.copyOf(nodes);
    }
}

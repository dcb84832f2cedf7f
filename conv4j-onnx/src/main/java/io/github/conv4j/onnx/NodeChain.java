package io.github.conv4j.onnx;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks that a model's nodes form one chain, as a {@link io.github.conv4j.nn.Sequential} does:
 * one graph input, each node reading the one computed value of the node before it (its other
 * inputs constants), each computed value read by one node, the last one the graph's only output.
 * A residual or concatenating model is refused naming the first node whose output branches (or
 * the first that joins two values), and pointing to {@link OnnxImporter#importGraph}.
 */
final class NodeChain {
    private static final String SEQUENTIAL_ONLY = "a Sequential is a chain of nodes; OnnxImporter.importGraph imports it onto a Graph";

    private NodeChain() {
    }

    /** The model's nodes, checked to be a chain, in order. */
    static List<OnnxNode> of(OnnxModel model) throws UnsupportedOnnxModelException {
        if (model.inputs().size() != 1 || model.outputs().size() != 1) {
            throw refuse(model, "has " + model.inputs().size() + " inputs and " + model.outputs().size()
                    + " outputs: a Sequential has one input and one output");
        }
        ValueReaders readers = new ValueReaders(model);
        String current = model.inputs().get(0).name();
        requireOneReader(model, "the graph input '" + current + "'", current, readers);
        for (OnnxNode node : model.nodes()) {
            List<String> computed = computedInputs(model, node);
            if (computed.size() != 1) {
                throw refuse(model, node.describe() + " joins " + computed.size() + " computed values " + computed
                        + ": " + SEQUENTIAL_ONLY);
            }
            if (!computed.get(0).equals(current)) {
                throw refuse(model, node.describe() + " reads '" + computed.get(0) + "', not '" + current
                        + "', the value of the chain before it: " + SEQUENTIAL_ONLY);
            }
            for (String output : node.outputs().subList(1, node.outputs().size())) {
                if (!readers.of(output).isEmpty()) {
                    throw refuse(model, node.describe() + " branches: its second output '" + output + "' is read by "
                            + describe(readers.of(output)) + ": " + SEQUENTIAL_ONLY);
                }
            }
            current = node.outputs().get(0);
            if (node != model.nodes().get(model.nodes().size() - 1)) {
                requireOneReader(model, node.describe(), current, readers);
            }
        }
        String output = model.outputs().get(0).name();
        if (!current.equals(output)) {
            throw refuse(model, "the chain ends in '" + current + "' but the graph's output is '" + output + "': "
                    + SEQUENTIAL_ONLY);
        }
        return model.nodes();
    }

    /** The inputs of a node that the graph computes: neither omitted nor constant. */
    static List<String> computedInputs(OnnxModel model, OnnxNode node) {
        return computedInputs(model::constant, node);
    }

    /** The inputs of a node that are neither omitted nor among {@code constants}. */
    static List<String> computedInputs(Function<String, Optional<OnnxTensor>> constants, OnnxNode node) {
        return node.inputs().stream().filter(name -> !name.isEmpty() && constants.apply(name).isEmpty()).toList();
    }

    private static void requireOneReader(OnnxModel model, String producer, String value,
            ValueReaders readers) throws UnsupportedOnnxModelException {
        List<OnnxNode> nodes = readers.of(value);
        if (nodes.size() > 1) {
            throw refuse(model, producer + " branches: its output '" + value + "' feeds " + nodes.size() + " nodes, "
                    + describe(nodes) + ": " + SEQUENTIAL_ONLY);
        }
        if (nodes.isEmpty()) {
            throw refuse(model, producer + " ends the chain early: its output '" + value + "' is read by no node: "
                    + SEQUENTIAL_ONLY);
        }
    }

    private static String describe(List<OnnxNode> nodes) {
        return nodes.stream().map(OnnxNode::describe).collect(Collectors.joining(", "));
    }

    private static UnsupportedOnnxModelException refuse(OnnxModel model, String detail) {
        return new UnsupportedOnnxModelException(model.source(), detail);
    }
}

package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.ExportGraph.integer;

import io.github.conv4j.nn.Node;
import java.util.List;

/**
 * The merge nodes of a conv4j graph as the ONNX operators {@link MergeMappers} reads back: Add of
 * two inputs → Add, of more → Sum (ONNX's Add is binary); Concat → Concat on axis 1, the channels
 * (conv4j concatenates nothing else); Mul → Mul, whose numpy broadcasting is what conv4j's gate
 * [N, C, 1, 1] over [N, C, H, W] computes.
 */
final class MergeExports {
    private MergeExports() {
    }

    /** Appends {@code node}, reading the values {@code inputs} in its inputs' order. */
    static void write(Node node, List<String> inputs, ExportGraph graph) {
        switch (node.spec()) {
            case "Add" -> graph.merge(node.name(), inputs.size() == 2 ? "Add" : "Sum", inputs);
            case "Concat" -> graph.merge(node.name(), "Concat", inputs, integer("axis", 1));
            case "Mul" -> graph.merge(node.name(), "Mul", inputs);
            default -> throw new IllegalArgumentException("node '" + node.name() + "' " + node.describe()
                    + ": conv4j exports the merges Add, Concat, Mul to ONNX, not " + node.spec());
        }
    }
}

package io.github.conv4j.onnx;

import io.github.conv4j.nn.Add;
import io.github.conv4j.nn.Concat;
import io.github.conv4j.nn.MergeLayer;
import io.github.conv4j.nn.Mul;
import io.github.conv4j.tensor.Shape;
import java.util.List;
import java.util.Set;

/**
 * The ops that join computed values, mapped onto a {@link io.github.conv4j.nn.Graph}'s merge
 * nodes: Add and Sum of values of one shape → {@link Add}, Concat along the channel axis →
 * {@link Concat}, Mul of values of one shape or of a feature map by an N×C×1×1 gate →
 * {@link Mul}. Constants are not merged: conv4j's merges have no parameters, so an Add or Mul of
 * an initializer (other than a MatMul's bias, which {@link LinearMappers#matMul} takes) is refused.
 */
final class MergeMappers {
    /** The op types mapped here. */
    static final Set<String> OPS = Set.of("Add", "Concat", "Mul", "Sum");

    private MergeMappers() {
    }

    /**
     * Whether the node joins nothing: a Concat or Sum of one value is that value (DenseNet's
     * first layer of each block concatenates a list of one), so the graph needs no node for it.
     */
    static boolean passesThrough(OnnxNode node, int computedInputs) {
        boolean joinsAll = node.opType().equals("Concat") || node.opType().equals("Sum");
        return joinsAll && node.inputs().size() == 1 && computedInputs == 1;
    }

    /**
     * The merge layer of the context's node.
     *
     * @param context the node (its {@link NodeContext#input()} is its first input's shape)
     * @param inputs the per-sample shapes of its computed inputs, in order
     */
    static MergeLayer map(NodeContext context, List<Shape> inputs) throws OnnxModelException {
        OnnxNode node = context.node();
        int constants = node.inputs().size() - inputs.size();
        if (constants > 0) {
            throw context.unsupported("it combines a constant with computed values: conv4j's merge layers have no "
                    + "parameters, so it maps " + node.opType() + " only of values the graph computes");
        }
        if (inputs.size() < 2) {
            throw context.unsupported("it has " + inputs.size() + " input: conv4j maps " + node.opType()
                    + " of two or more values");
        }
        MergeLayer layer = switch (node.opType()) {
            case "Add", "Sum" -> new Add();
            case "Mul" -> new Mul();
            case "Concat" -> concat(context);
            default -> throw new IllegalArgumentException(node.opType() + " is not a merge op");
        };
        try {
            layer.outputShape(inputs);
        } catch (IllegalArgumentException e) {
            throw context.unsupported("conv4j's " + layer.describe() + " refuses its inputs: " + e.getMessage());
        }
        return layer;
    }

    /** Concat along ONNX axis 1 (or its negative spelling), the channels after the batch. */
    private static Concat concat(NodeContext context) throws OnnxModelException {
        if (!context.attributes().has("axis")) {
            throw context.malformed("has no attribute 'axis', which Concat requires");
        }
        long axis = context.attributes().integer("axis", 1);
        int rank = context.input().rank() + 1;
        if ((axis < 0 ? axis + rank : axis) != 1) {
            throw context.unsupported("it concatenates along axis " + axis + " of " + NodeContext.withBatch(
                    context.input()) + ": conv4j's Concat joins channels (axis 1)");
        }
        return new Concat();
    }
}

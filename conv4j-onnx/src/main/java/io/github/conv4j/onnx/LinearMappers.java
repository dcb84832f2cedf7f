package io.github.conv4j.onnx;

import io.github.conv4j.nn.Linear;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Gemm, and MatMul with the Add of its bias after it, → {@link Linear}, whose weight is
 * [out, in] (PyTorch's layout, Gemm's with transB = 1). A Gemm weight [in, out] (transB = 0) or
 * a MatMul weight is transposed. Gemm's alpha and beta are folded into the values: the weight is
 * multiplied by alpha and the bias by beta, so {@code alpha·A·B + beta·C} is computed as
 * {@code A·(alpha·B) + (beta·C)}, equal up to one rounding per weight.
 */
final class LinearMappers {
    private LinearMappers() {
    }

    static List<MappedLayer> gemm(NodeContext context) throws OnnxModelException {
        requireFeatures(context);
        NodeAttributes attributes = context.attributes();
        if (attributes.integer("transA", 0) != 0) {
            throw context.unsupported("attribute 'transA' is 1: conv4j maps Gemm on an input of one row per sample");
        }
        boolean transposed = attributes.oneOf("transB", 0, 0, 1) == 1;
        OnnxTensor b = context.constantInput(1, "weight B");
        long[] dims = requireMatrix(context, b);
        int in = context.input().dim(0);
        int out = Math.toIntExact(transposed ? dims[0] : dims[1]);
        context.requireDims(b, "weight B", transposed ? new long[] {out, in} : new long[] {in, out},
                "its input " + NodeContext.withBatch(context.input()) + " with transB " + (transposed ? 1 : 0));
        float[] weight = context.floats(b, "weight B");
        if (!transposed) {
            weight = transpose(weight, in, out);
        }
        scale(weight, attributes.number("alpha", 1f));
        Optional<OnnxTensor> c = context.optionalConstantInput(2, "bias C");
        if (c.isEmpty()) {
            return List.of(MappedLayer.withParameters(new Linear(in, out).bias(false), weight));
        }
        float[] bias = broadcastBias(context, c.get(), out);
        scale(bias, attributes.number("beta", 1f));
        return List.of(MappedLayer.withParameters(new Linear(in, out), weight, bias));
    }

    /** MatMul(x, W), and when the next node adds a constant to its product, that bias too. */
    static List<MappedLayer> matMul(NodeContext context) throws OnnxModelException {
        requireFeatures(context);
        OnnxTensor b = context.constantInput(1, "weight");
        long[] dims = requireMatrix(context, b);
        int in = context.input().dim(0);
        int out = Math.toIntExact(dims[1]);
        context.requireDims(b, "weight", new long[] {in, out}, "its input " + NodeContext.withBatch(context.input()));
        float[] weight = transpose(context.floats(b, "weight"), in, out);
        Optional<OnnxTensor> bias = biasAdded(context);
        if (bias.isEmpty()) {
            return List.of(MappedLayer.withParameters(new Linear(in, out).bias(false), weight));
        }
        context.takeNext();
        return List.of(MappedLayer.withParameters(new Linear(in, out), weight, broadcastBias(context, bias.get(), out)));
    }

    /** The constant the next node adds to this node's product, if it is an Add of one. */
    private static Optional<OnnxTensor> biasAdded(NodeContext context) {
        Optional<OnnxNode> next = context.next();
        if (next.isEmpty() || !next.get().opType().equals("Add") || next.get().inputs().size() != 2) {
            return Optional.empty();
        }
        List<String> inputs = next.get().inputs();
        String product = context.node().outputs().get(0);
        if (!inputs.contains(product)) {
            return Optional.empty();
        }
        // Empty when the other input is computed too: that Add joins two values, a graph's merge.
        return context.constant(inputs.get(inputs.get(0).equals(product) ? 1 : 0));
    }

    private static void requireFeatures(NodeContext context) throws UnsupportedOnnxModelException {
        context.requireInputRank(1, "N×features (a Flatten before it)");
    }

    private static long[] requireMatrix(NodeContext context, OnnxTensor weight) throws UnsupportedOnnxModelException {
        if (weight.rank() != 2) {
            throw context.unsupported("weight '" + weight.name() + "' has shape " + Arrays.toString(weight.dims())
                    + ": conv4j maps a 2-D weight matrix");
        }
        return weight.dims();
    }

    /** A bias of [out] values from C, which ONNX broadcasts: [out], [1, out], [1] or a scalar. */
    private static float[] broadcastBias(NodeContext context, OnnxTensor c, int out) throws OnnxModelException {
        float[] values = context.floats(c, "bias");
        long[] dims = c.dims();
        boolean perFeature = values.length == out && dims[dims.length - 1] == out;
        if (perFeature) {
            return values;
        }
        if (values.length == 1) {
            float[] filled = new float[out];
            Arrays.fill(filled, values[0]);
            return filled;
        }
        throw context.unsupported("bias '" + c.name() + "' has shape " + Arrays.toString(dims) + ": conv4j maps a "
                + "bias of one value per output feature, [" + out + "] or [1, " + out + "], or one for all");
    }

    static float[] transpose(float[] matrix, int rows, int columns) {
        float[] t = new float[matrix.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                t[c * rows + r] = matrix[r * columns + c];
            }
        }
        return t;
    }

    private static void scale(float[] values, float factor) {
        if (factor != 1f) {
            for (int i = 0; i < values.length; i++) {
                values[i] *= factor;
            }
        }
    }
}

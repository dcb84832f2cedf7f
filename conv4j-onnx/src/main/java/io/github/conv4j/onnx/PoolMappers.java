package io.github.conv4j.onnx;

import io.github.conv4j.nn.AvgPool2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.MaxPool2d;
import java.util.Arrays;
import java.util.List;

/**
 * MaxPool → {@link MaxPool2d}, AveragePool → {@link AvgPool2d}, GlobalAveragePool and a
 * ReduceMean over H and W → {@link GlobalAvgPool2d}. ONNX's strides default to 1, not to the
 * kernel as in PyTorch, and AveragePool's count_include_pad to 0, not to 1.
 */
final class PoolMappers {
    private static final int[] ONES = {1, 1};

    private PoolMappers() {
    }

    static List<MappedLayer> maxPool(NodeContext context) throws OnnxModelException {
        context.requireInputRank(3, "N×C×H×W");
        NodeAttributes attributes = context.attributes();
        int[] kernel = kernel(context);
        int[] stride = attributes.ints("strides", 2, ONES);
        int[] dilation = attributes.ints("dilations", 2, ONES);
        if (dilation[0] != dilation[1]) {
            throw context.unsupported("attribute 'dilations' is " + Arrays.toString(dilation) + ": conv4j's MaxPool2d "
                    + "dilates both axes alike");
        }
        WindowPadding padding = WindowPadding.of(context, kernel, stride, dilation);
        boolean ceil = attributes.oneOf("ceil_mode", 0, 0, 1) == 1;
        return List.of(MappedLayer.of(new MaxPool2d(kernel[0], kernel[1]).stride(stride[0], stride[1])
                .padding(padding.height(), padding.width()).dilation(dilation[0]).ceilMode(ceil).mode(padding.mode())));
    }

    static List<MappedLayer> averagePool(NodeContext context) throws OnnxModelException {
        context.requireInputRank(3, "N×C×H×W");
        NodeAttributes attributes = context.attributes();
        int[] kernel = kernel(context);
        int[] stride = attributes.ints("strides", 2, ONES);
        if (attributes.has("dilations") && !Arrays.equals(attributes.ints("dilations", 2, ONES), ONES)) {
            throw context.unsupported("attribute 'dilations' is " + Arrays.toString(attributes.longs("dilations"))
                    + ": conv4j's AvgPool2d has no dilation");
        }
        WindowPadding padding = WindowPadding.of(context, kernel, stride, ONES);
        boolean ceil = attributes.oneOf("ceil_mode", 0, 0, 1) == 1;
        boolean includePad = attributes.oneOf("count_include_pad", 0, 0, 1) == 1;
        return List.of(MappedLayer.of(new AvgPool2d(kernel[0], kernel[1]).stride(stride[0], stride[1])
                .padding(padding.height(), padding.width()).ceilMode(ceil).mode(padding.mode())
                .countIncludePad(includePad)));
    }

    static List<MappedLayer> globalAveragePool(NodeContext context) throws OnnxModelException {
        context.requireInputRank(3, "N×C×H×W");
        return List.of(MappedLayer.of(new GlobalAvgPool2d()));
    }

    /**
     * ReduceMean over axes 2 and 3 of N×C×H×W: a global average pooling, then with keepdims 0 a
     * Flatten of the N×C×1×1 result to N×C. (Opset 18 moved the axes to an input; conv4j reads
     * opsets up to 17, where they are an attribute.)
     */
    static List<MappedLayer> reduceMean(NodeContext context) throws OnnxModelException {
        context.requireInputRank(3, "N×C×H×W");
        long[] axes = context.attributes().longs("axes");
        long[] normalized = Arrays.stream(axes).map(a -> a < 0 ? a + 4 : a).sorted().toArray();
        if (!Arrays.equals(normalized, new long[] {2, 3})) {
            throw context.unsupported("attribute 'axes' is " + Arrays.toString(axes) + ": conv4j maps a ReduceMean over "
                    + "the spatial axes [2, 3] of N×C×H×W (a global average pooling)");
        }
        boolean keep = context.attributes().oneOf("keepdims", 1, 0, 1) == 1;
        return keep ? List.of(MappedLayer.of(new GlobalAvgPool2d()))
                : List.of(MappedLayer.of(new GlobalAvgPool2d()), MappedLayer.of(new Flatten()));
    }

    private static int[] kernel(NodeContext context) throws OnnxModelException {
        if (!context.attributes().has("kernel_shape")) {
            throw context.malformed("has no attribute 'kernel_shape', which the operator requires");
        }
        return context.attributes().ints("kernel_shape", 2, ONES);
    }
}

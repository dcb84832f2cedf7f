package io.github.conv4j.onnx;

import io.github.conv4j.nn.Conv2d;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Conv → {@link Conv2d}: group, strides, dilations, pads (see {@link WindowPadding}) and the
 * optional bias. The weight [K, C/group, R, S] must agree with the channels flowing in.
 */
final class ConvMapper {
    private ConvMapper() {
    }

    static List<MappedLayer> map(NodeContext context) throws OnnxModelException {
        context.requireInputRank(3, "N×C×H×W");
        NodeAttributes attributes = context.attributes();
        OnnxTensor weight = context.constantInput(1, "weight");
        long[] dims = weight.dims();
        if (dims.length != 4) {
            throw context.unsupported("weight '" + weight.name() + "' has shape " + Arrays.toString(dims)
                    + ": conv4j maps 2-D convolutions, whose weight is [K, C/group, R, S]");
        }
        int channels = context.input().dim(0);
        long group = attributes.integer("group", 1);
        if (group < 1 || channels % group != 0 || dims[0] % group != 0) {
            throw context.malformed("attribute 'group' is " + group + ", which does not divide the input's " + channels
                    + " channels and the weight's " + dims[0] + " output channels");
        }
        context.requireDims(weight, "weight", new long[] {dims[0], channels / group, dims[2], dims[3]},
                "its input " + NodeContext.withBatch(context.input()) + " with group " + group);
        int[] kernel = {Math.toIntExact(dims[2]), Math.toIntExact(dims[3])};
        int[] declaredKernel = attributes.ints("kernel_shape", 2, kernel);
        if (!Arrays.equals(declaredKernel, kernel)) {
            throw context.malformed("attribute 'kernel_shape' is " + Arrays.toString(declaredKernel) + " but weight '"
                    + weight.name() + "' has shape " + Arrays.toString(dims));
        }
        int[] stride = attributes.ints("strides", 2, new int[] {1, 1});
        int[] dilation = attributes.ints("dilations", 2, new int[] {1, 1});
        WindowPadding padding = WindowPadding.of(context, kernel, stride, dilation);
        int outChannels = Math.toIntExact(dims[0]);
        Optional<OnnxTensor> bias = context.optionalConstantInput(2, "bias");
        if (bias.isPresent()) {
            context.requireDims(bias.get(), "bias", new long[] {outChannels}, "weight '" + weight.name() + "'");
        }
        Conv2d conv = new Conv2d(channels, outChannels, kernel[0], kernel[1]).stride(stride[0], stride[1])
                .padding(padding.height(), padding.width()).dilation(dilation[0], dilation[1]).groups((int) group)
                .bias(bias.isPresent()).mode(padding.mode());
        float[] w = context.floats(weight, "weight");
        return List.of(bias.isPresent() ? MappedLayer.withParameters(conv, w, context.floats(bias.get(), "bias"))
                : MappedLayer.withParameters(conv, w));
    }
}

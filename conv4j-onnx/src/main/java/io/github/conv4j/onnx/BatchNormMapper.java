package io.github.conv4j.onnx;

import io.github.conv4j.nn.BatchNorm1d;
import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.Layer;
import java.util.List;

/**
 * BatchNormalization → {@link BatchNorm2d} on N×C×H×W, {@link BatchNorm1d} on N×C: scale and B
 * become γ and β, the running mean and variance its state; epsilon is kept and the momentum
 * converted (see {@link BatchNormMomentum}). In evaluation mode the layer computes ONNX's
 * inference formula; trained, it updates the running statistics as PyTorch does.
 */
final class BatchNormMapper {
    /** ONNX's default epsilon, PyTorch's too. */
    private static final float DEFAULT_EPSILON = 1e-5f;
    /** ONNX's default momentum, PyTorch's 0.1 in ONNX's convention. */
    private static final float DEFAULT_MOMENTUM = 0.9f;

    private BatchNormMapper() {
    }

    static List<MappedLayer> map(NodeContext context) throws OnnxModelException {
        int rank = context.input().rank();
        if (rank != 3 && rank != 1) {
            throw context.unsupported("its input has shape " + NodeContext.withBatch(context.input())
                    + ": conv4j maps BatchNormalization on N×C×H×W (BatchNorm2d) and N×C (BatchNorm1d)");
        }
        int channels = context.input().dim(0);
        String[] roles = {"scale", "bias B", "running mean", "running variance"};
        float[][] values = new float[roles.length][];
        for (int i = 0; i < roles.length; i++) {
            OnnxTensor tensor = context.constantInput(i + 1, roles[i]);
            context.requireDims(tensor, roles[i], new long[] {channels},
                    "its input " + NodeContext.withBatch(context.input()) + " of " + channels + " channels");
            values[i] = context.floats(tensor, roles[i]);
        }
        float epsilon = context.attributes().number("epsilon", DEFAULT_EPSILON);
        float onnxMomentum = context.attributes().number("momentum", DEFAULT_MOMENTUM);
        if (!(onnxMomentum >= 0f && onnxMomentum <= 1f)) {
            throw context.malformed("attribute 'momentum' is " + onnxMomentum + ", outside [0, 1]");
        }
        float momentum = BatchNormMomentum.fromOnnx(onnxMomentum);
        Layer layer = rank == 3 ? new BatchNorm2d(channels, epsilon, momentum)
                : new BatchNorm1d(channels, epsilon, momentum);
        return List.of(new MappedLayer(layer, List.of(values[0], values[1]), List.of(values[2], values[3])));
    }
}

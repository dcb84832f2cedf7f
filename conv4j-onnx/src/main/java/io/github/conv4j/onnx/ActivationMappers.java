package io.github.conv4j.onnx;

import io.github.conv4j.nn.HardSigmoid;
import io.github.conv4j.nn.LeakyReLU;
import io.github.conv4j.nn.LogSoftmax;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.ReLU6;
import io.github.conv4j.nn.Softmax;
import java.util.List;
import java.util.Optional;

/**
 * The activations with attributes or constant inputs to check: Clip (ReLU6 or ReLU), LeakyRelu,
 * HardSigmoid, Softmax and LogSoftmax. The ones without (Relu, Sigmoid, ...) are mapped in
 * {@link OpMappers} directly.
 */
final class ActivationMappers {
    /** PyTorch's hardsigmoid, relu6(x + 3) / 6, is ONNX's HardSigmoid with alpha 1/6 and beta 1/2. */
    static final float HARD_SIGMOID_ALPHA = (float) (1.0 / 6.0);
    /** HardSigmoid's beta for PyTorch's hardsigmoid. */
    static final float HARD_SIGMOID_BETA = 0.5f;

    private ActivationMappers() {
    }

    /** Clip to [0, 6] is ReLU6 (PyTorch exports it so), to [0, ∞) a ReLU; other bounds have no conv4j layer. */
    static List<MappedLayer> clip(NodeContext context) throws OnnxModelException {
        Optional<OnnxTensor> min = context.optionalConstantInput(1, "min");
        Optional<OnnxTensor> max = context.optionalConstantInput(2, "max");
        float low = min.isPresent() ? context.scalar(min.get(), "min") : Float.NEGATIVE_INFINITY;
        float high = max.isPresent() ? context.scalar(max.get(), "max") : Float.POSITIVE_INFINITY;
        if (low == 0f && high == 6f) {
            return List.of(MappedLayer.of(new ReLU6()));
        }
        if (low == 0f && high == Float.POSITIVE_INFINITY) {
            return List.of(MappedLayer.of(new ReLU()));
        }
        throw context.unsupported("clips to [" + low + ", " + high + "]: conv4j maps Clip to [0, 6] (ReLU6) and to "
                + "[0, inf) (ReLU)");
    }

    static List<MappedLayer> leakyRelu(NodeContext context) throws OnnxModelException {
        float alpha = context.attributes().number("alpha", 0.01f);
        return List.of(MappedLayer.of(new LeakyReLU(alpha)));
    }

    /** conv4j's HardSigmoid is PyTorch's, so only PyTorch's alpha and beta map onto it. */
    static List<MappedLayer> hardSigmoid(NodeContext context) throws OnnxModelException {
        float alpha = context.attributes().number("alpha", 0.2f);
        float beta = context.attributes().number("beta", 0.5f);
        if (alpha != HARD_SIGMOID_ALPHA || beta != HARD_SIGMOID_BETA) {
            throw context.unsupported("alpha " + alpha + " and beta " + beta + ": conv4j's HardSigmoid is PyTorch's, "
                    + "alpha 1/6 (" + HARD_SIGMOID_ALPHA + ") and beta 0.5");
        }
        return List.of(MappedLayer.of(new HardSigmoid()));
    }

    static List<MappedLayer> softmax(NodeContext context) throws OnnxModelException {
        requireClassAxis(context);
        return List.of(MappedLayer.of(new Softmax()));
    }

    static List<MappedLayer> logSoftmax(NodeContext context) throws OnnxModelException {
        requireClassAxis(context);
        return List.of(MappedLayer.of(new LogSoftmax()));
    }

    /**
     * conv4j's softmaxes run over dim 1 of N×C. Opset 13 changed the default axis from 1 to −1
     * (and the meaning from "flatten from axis" to "along axis"); on N×C both are the classes.
     */
    private static void requireClassAxis(NodeContext context) throws OnnxModelException {
        context.requireInputRank(1, "N×C");
        long axis = context.attributes().integer("axis", context.opset() >= 13 ? -1 : 1);
        if (axis != 1 && axis != -1) {
            throw context.unsupported("attribute 'axis' is " + axis + ": conv4j maps a softmax over axis 1 of N×C");
        }
    }
}

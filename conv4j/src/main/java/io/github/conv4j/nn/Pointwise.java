package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/**
 * The runtime shared by the pointwise activations ({@link LeakyReLU}, {@link Sigmoid},
 * {@link Tanh}, {@link ReLU6}, {@link SiLU}, {@link GELU}, {@link HardSigmoid},
 * {@link HardSwish}): one {@code c4j_activation_forward}/{@code _backward} call over the whole
 * batch, the activation chosen by its {@code Conv4jNative.ACT_*} kind. The backward differentiates
 * at the forward's input, which stays valid (the previous layer's output) until the next forward.
 */
final class Pointwise {
    private Pointwise() {}


    static Op runtime(LayerContext ctx, int kind, float alpha, String description) {
        String name = ctx.name() + " " + description;
        Shape sample = ctx.sampleInput();
        return new NativeBatchOp(name, sample, sample) {
            @Override int compute(int n, Tensor x, Tensor y, boolean training) {
                return Conv4jNative.activationForward(kind, alpha, y.size(), x.pointer(), y.pointer());
            }

            @Override int gradient(int n, Tensor x, Tensor y, Tensor dy, Tensor dx) {
                return Conv4jNative.activationBackward(kind, alpha, dx.size(), x.pointer(), dy.pointer(), dx.pointer());
            }
        };
    }
}

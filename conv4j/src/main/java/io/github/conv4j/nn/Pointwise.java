package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Status;
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
        return new Op() {
            private final BatchBuffer y = new BatchBuffer(sample), dx = new BatchBuffer(sample);
            private Tensor x;

            @Override public Tensor forward(Tensor input, boolean training) {
                int n = Checks.batchOf(name, input, sample);
                Tensor o = y.get(n);
                int status = Conv4jNative.activationForward(kind, alpha, o.size(), input.pointer(), o.pointer());
                if (status != Status.OK) Status.check(status, name);
                x = input;
                return o;
            }

            @Override public Tensor backward(Tensor dy, boolean needInputGradient) {
                if (x == null) throw new IllegalStateException(name + ": backward without a forward pass");
                Checks.outputGradient(name, x.shape(), dy);
                if (!needInputGradient) return null;
                Tensor g = dx.get(x.dim(0));
                int status = Conv4jNative.activationBackward(kind, alpha, g.size(), x.pointer(), dy.pointer(), g.pointer());
                if (status != Status.OK) Status.check(status, name);
                return g;
            }

            @Override public void close() { y.close(); dx.close(); }
        };
    }
}

package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/** max(0, x), elementwise; the derivative at 0 is 0 (as PyTorch). */
public final class ReLU implements Layer {
    @Override public String spec() { return "ReLU"; }
    @Override public String describe() { return "ReLU"; }
    @Override public Shape outputShape(Shape input) { return input; }
    @Override public long flops(Shape sampleInput) { return sampleInput.size(); }

    @Override public Op create(LayerContext ctx) {
        String name = ctx.name() + " ReLU";
        Shape sample = ctx.sampleInput();
        return new Op() {
            private final BatchBuffer y = new BatchBuffer(sample), dx = new BatchBuffer(sample);
            private Tensor out;

            @Override public Tensor forward(Tensor x, boolean training) {
                out = y.get(Checks.batchOf(name, x, sample));
                Conv4jNative.reluForward(out.size(), x.pointer(), out.pointer());
                return out;
            }

            @Override public Tensor backward(Tensor dy, boolean needInputGradient) {
                if (out == null) throw new IllegalStateException(name + ": backward without a forward pass");
                if (!dy.shape().equals(out.shape()))
                    throw new IllegalArgumentException(name + ": expected output gradient " + out.shape() + ", got " + dy.shape());
                if (!needInputGradient) return null;
                Tensor g = dx.get(out.dim(0));
                Conv4jNative.reluBackward(g.size(), out.pointer(), dy.pointer(), g.pointer());
                return g;
            }

            @Override public void close() { y.close(); dx.close(); }
        };
    }
}

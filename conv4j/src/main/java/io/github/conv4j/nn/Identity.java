package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/**
 * The identity (PyTorch's Identity), any input shape: a placeholder where an architecture has an
 * optional layer. Its forward returns the input and its backward the output gradient, the very
 * tensors (no copy and no native call: there is nothing to compute).
 */
public final class Identity implements Layer {
    /** The identity (it has no options). */
    public Identity() {}

    @Override public String spec() { return "Identity"; }
    @Override public String describe() { return "Identity"; }
    @Override public Shape outputShape(Shape input) { return input; }

    @Override public Op create(LayerContext ctx) {
        String name = ctx.name() + " " + describe();
        Shape sample = ctx.sampleInput();
        return new Op() {
            private Shape seen;

            @Override public Tensor forward(Tensor x, boolean training) {
                Checks.batchOf(name, x, sample);
                seen = x.shape();
                return x;
            }

            @Override public Tensor backward(Tensor dy, boolean needInputGradient) {
                Checks.backward(name, seen, dy);
                return needInputGradient ? dy : null;
            }

            @Override public void close() {}
        };
    }
}

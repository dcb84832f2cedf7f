package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/** N×C×H×W (any rank) → N×(C·H·W): a view, no copy. */
public final class Flatten implements Layer {
    @Override public String spec() { return "Flatten"; }
    @Override public String describe() { return "Flatten"; }

    @Override public Shape outputShape(Shape input) {
        if (input.rank() < 2) throw new IllegalArgumentException("Flatten: expected a batch of at least 2 dimensions, got " + input);
        if (input.sampleSize() > Integer.MAX_VALUE)
            throw new IllegalArgumentException("Flatten: " + input + " has " + input.sampleSize() + " features per sample, more than 2^31-1");
        return Shape.of(input.dim(0), (int) input.sampleSize());
    }

    @Override public Op create(LayerContext ctx) {
        String name = ctx.name() + " Flatten";
        Shape sample = ctx.sampleInput();
        return new Op() {
            // Views are cached per source tensor so that a steady loop allocates nothing.
            private Tensor xSource, xView, dySource, dyView;

            @Override public Tensor forward(Tensor x, boolean training) {
                Checks.batchOf(name, x, sample);
                if (x != xSource) {
                    xSource = x;
                    xView = x.reshape(outputShape(x.shape()));
                }
                return xView;
            }

            @Override public Tensor backward(Tensor dy, boolean needInputGradient) {
                Checks.backward(name, xView, dy);
                if (!needInputGradient) return null;
                if (dy != dySource) {
                    dySource = dy;
                    dyView = dy.reshape(xSource.shape());
                }
                return dyView;
            }

            @Override public void close() { xSource = xView = dySource = dyView = null; }
        };
    }
}

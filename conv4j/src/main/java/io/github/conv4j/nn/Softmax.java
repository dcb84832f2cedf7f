package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/**
 * Softmax along the channel dim of N×C (PyTorch's {@code Softmax(dim=1)}): each row turned into
 * probabilities, max-subtracted so that logits of any magnitude are safe. To train a classifier,
 * leave it out and use {@code loss.SoftmaxCrossEntropy} on the logits (one stable step).
 */
public final class Softmax implements Layer {
    /** The softmax over dim 1 (it has no options). */
    public Softmax() {}

    @Override public String spec() { return "Softmax"; }
    @Override public String describe() { return "Softmax"; }
    @Override public Shape outputShape(Shape input) { return rows(describe(), input); }
    @Override public long flops(Shape sampleInput) { return 4 * sampleInput.size(); }
    @Override public Op create(LayerContext ctx) { return runtime(ctx, false, describe()); }

    /** Softmax and log-softmax take N×C. */
    static Shape rows(String layer, Shape input) {
        Layer.requireRank(layer, input, 2, "N×C");
        return input;
    }

    /** The runtime of softmax ({@code log} false) or {@link LogSoftmax} (true): backward works from the output. */
    static Op runtime(LayerContext ctx, boolean log, String description) {
        String name = ctx.name() + " " + description;
        Shape sample = ctx.sampleInput();
        rows(name, sample.prependBatch(1));
        int c = sample.dim(0), logForm = log ? 1 : 0;
        return new NativeBatchOp(name, sample, sample) {
            @Override int compute(int n, Tensor x, Tensor y, boolean training) {
                return Conv4jNative.softmaxForward(n, c, logForm, x.pointer(), y.pointer());
            }

            @Override int gradient(int n, Tensor x, Tensor y, Tensor dy, Tensor dx) {
                return Conv4jNative.softmaxBackward(n, c, logForm, y.pointer(), dy.pointer(), dx.pointer());
            }
        };
    }
}

package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;

/**
 * Log-softmax along the channel dim of N×C (PyTorch's {@code LogSoftmax(dim=1)}):
 * x − max − log Σ e^(x − max), stable for logits of any magnitude.
 */
public final class LogSoftmax implements Layer {
    /** The log-softmax over dim 1 (it has no options). */
    public LogSoftmax() {}

    @Override public String spec() { return "LogSoftmax"; }
    @Override public String describe() { return "LogSoftmax"; }
    @Override public Shape outputShape(Shape input) { return Softmax.rows(describe(), input); }
    @Override public long flops(Shape sampleInput) { return 4 * sampleInput.size(); }
    @Override public Op create(LayerContext ctx) { return Softmax.runtime(ctx, true, describe()); }
}

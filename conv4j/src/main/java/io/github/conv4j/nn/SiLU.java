package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;

/** x·sigmoid(x), elementwise (PyTorch's SiLU, also called Swish), any input shape. */
public final class SiLU implements Layer {
    /** The activation (it has no options). */
    public SiLU() {}

    @Override public String spec() { return "SiLU"; }
    @Override public String describe() { return "SiLU"; }
    @Override public Shape outputShape(Shape input) { return input; }
    @Override public long flops(Shape sampleInput) { return 5 * sampleInput.size(); }
    @Override public Op create(LayerContext ctx) { return Pointwise.runtime(ctx, Conv4jNative.ACT_SILU, 0f, describe()); }
}

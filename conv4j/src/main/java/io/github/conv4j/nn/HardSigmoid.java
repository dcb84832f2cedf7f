package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;

/** min(max(x + 3, 0), 6)/6, i.e. x/6 + 1/2 clipped to [0, 1], elementwise (PyTorch's Hardsigmoid), any input shape; the derivative is 1/6 strictly inside (−3, 3) and 0 elsewhere, as PyTorch's. */
public final class HardSigmoid implements Layer {
    /** The activation (it has no options). */
    public HardSigmoid() {}

    @Override public String spec() { return "HardSigmoid"; }
    @Override public String describe() { return "HardSigmoid"; }
    @Override public Shape outputShape(Shape input) { return input; }
    @Override public long flops(Shape sampleInput) { return 2 * sampleInput.size(); }
    @Override public Op create(LayerContext ctx) { return Pointwise.runtime(ctx, Conv4jNative.ACT_HARDSIGMOID, 0f, describe()); }
}

package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;

/** x·min(max(x + 3, 0), 6)/6, elementwise (PyTorch's Hardswish, MobileNetV3's activation), any input shape; the derivative is 0 below −3, x/3 + 1/2 on [−3, 3] and 1 above, as PyTorch's. */
public final class HardSwish implements Layer {
    /** The activation (it has no options). */
    public HardSwish() {}

    @Override public String spec() { return "HardSwish"; }
    @Override public String describe() { return "HardSwish"; }
    @Override public Shape outputShape(Shape input) { return input; }
    @Override public long flops(Shape sampleInput) { return 3 * sampleInput.size(); }
    @Override public Op create(LayerContext ctx) { return Pointwise.runtime(ctx, Conv4jNative.ACT_HARDSWISH, 0f, describe()); }
}

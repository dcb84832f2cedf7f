package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;

/** min(max(x, 0), 6), elementwise (PyTorch's ReLU6, MobileNetV2's activation), any input shape; the derivative is 0 at the kinks 0 and 6, as PyTorch's. */
public final class ReLU6 implements Layer {
    /** The activation (it has no options). */
    public ReLU6() {}

    @Override public String spec() { return "ReLU6"; }
    @Override public String describe() { return "ReLU6"; }
    @Override public Shape outputShape(Shape input) { return input; }
    @Override public long flops(Shape sampleInput) { return 1 * sampleInput.size(); }
    @Override public Op create(LayerContext ctx) { return Pointwise.runtime(ctx, Conv4jNative.ACT_RELU6, 0f, describe()); }
}

package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;

/** tanh x, elementwise (PyTorch's Tanh), any input shape. */
public final class Tanh implements Layer {
    /** The activation (it has no options). */
    public Tanh() {}

    @Override public String spec() { return "Tanh"; }
    @Override public String describe() { return "Tanh"; }
    @Override public Shape outputShape(Shape input) { return input; }
    @Override public long flops(Shape sampleInput) { return 4 * sampleInput.size(); }
    @Override public Op create(LayerContext ctx) { return Pointwise.runtime(ctx, Conv4jNative.ACT_TANH, 0f, describe()); }
}

package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;

/** 1/(1+e<sup>−x</sup>), elementwise (PyTorch's Sigmoid), any input shape. */
public final class Sigmoid implements Layer {
    /** The activation (it has no options). */
    public Sigmoid() {}

    @Override public String spec() { return "Sigmoid"; }
    @Override public String describe() { return "Sigmoid"; }
    @Override public Shape outputShape(Shape input) { return input; }
    @Override public long flops(Shape sampleInput) { return 4 * sampleInput.size(); }
    @Override public Op create(LayerContext ctx) { return Pointwise.runtime(ctx, Conv4jNative.ACT_SIGMOID, 0f, describe()); }
}

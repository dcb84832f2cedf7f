package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;

/**
 * The Gaussian error linear unit x·Φ(x), elementwise (PyTorch's GELU), any input shape: exact
 * (with erf) by default, or PyTorch's {@code approximate='tanh'} form
 * 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) with {@link #tanhApproximation()}.
 */
public final class GELU implements Layer {
    private final boolean tanh;

    /** The exact GELU (erf), PyTorch's default {@code approximate='none'}. */
    public GELU() { this(false); }

    private GELU(boolean tanh) { this.tanh = tanh; }

    /** This GELU in PyTorch's tanh approximation ({@code approximate='tanh'}). */
    public GELU tanhApproximation() { return new GELU(true); }

    /** This GELU in its exact form ({@code approximate='none'}, the default). */
    public GELU exact() { return new GELU(false); }

    /** Whether this is the tanh approximation (false by default). */
    public boolean isTanhApproximation() { return tanh; }

    @Override public String spec() { return "GELU approximate=" + (tanh ? "tanh" : "none"); }
    @Override public String describe() { return tanh ? "GELU(tanh)" : "GELU"; }
    @Override public Shape outputShape(Shape input) { return input; }
    @Override public long flops(Shape sampleInput) { return 8 * sampleInput.size(); }

    @Override public Op create(LayerContext ctx) {
        return Pointwise.runtime(ctx, tanh ? Conv4jNative.ACT_GELU_TANH : Conv4jNative.ACT_GELU, 0f, describe());
    }
}

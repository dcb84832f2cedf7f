package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;

/**
 * x for x &gt; 0, slope·x otherwise, elementwise (PyTorch's LeakyReLU), any input shape. The
 * derivative at 0 is the slope, as PyTorch's.
 */
public final class LeakyReLU implements Layer {
    /** PyTorch's default negative slope. */
    public static final float DEFAULT_SLOPE = 0.01f;

    private final float slope;

    /** A leaky ReLU of the default negative slope 0.01. */
    public LeakyReLU() { this(DEFAULT_SLOPE); }

    /** A leaky ReLU of the given negative slope (any finite value; 0 is a ReLU whose slope at 0 is 0). */
    public LeakyReLU(double slope) {
        if (!Double.isFinite(slope) || !Float.isFinite((float) slope))
            throw new IllegalArgumentException("LeakyReLU: slope must be a finite float, got " + slope);
        this.slope = (float) slope;
    }

    /** The negative slope. */
    public float slope() { return slope; }

    @Override public String spec() { return "LeakyReLU slope=" + slope; }
    @Override public String describe() { return "LeakyReLU(" + slope + ")"; }
    @Override public Shape outputShape(Shape input) { return input; }
    @Override public long flops(Shape sampleInput) { return sampleInput.size(); }
    @Override public Op create(LayerContext ctx) { return Pointwise.runtime(ctx, Conv4jNative.ACT_LEAKY_RELU, slope, describe()); }
}

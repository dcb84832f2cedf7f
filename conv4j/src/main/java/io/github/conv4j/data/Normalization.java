package io.github.conv4j.data;

/**
 * Input scaling: pixels 0..255 are scaled to [0, 1], then standardised by {@code (v − mean)/std}.
 * Fashion-MNIST's training-set statistics are {@link #FASHION_MNIST}.
 */
public record Normalization(float mean, float std) {
    public static final Normalization FASHION_MNIST = new Normalization(0.2860f, 0.3530f);
    public static final Normalization NONE = new Normalization(0f, 1f);

    public Normalization {
        if (!(std > 0) || !Float.isFinite(mean)) throw new IllegalArgumentException("normalisation needs a finite mean and std > 0, got " + mean + ", " + std);
    }

    /** A value already scaled to [0, 1]. */
    public float apply(float unit) { return (unit - mean) / std; }
}

package io.github.conv4j.data.augment;

/**
 * One random training transform of a single C×H×W image on the [0, 1] scale (before
 * normalisation), an immutable configuration like a layer. {@link io.github.conv4j.data.Batches}
 * chains the configured ones per sample, drawing every random choice from a {@link SampleRandom}
 * seeded by (seed, epoch, sample), so the result does not depend on the loader threads; evaluation
 * batches apply none. Implementations must not allocate in {@link #apply}: it runs once per image.
 */
public interface Augmentation {
    /**
     * Throws an IllegalArgumentException naming this transform when it cannot take
     * {@code channels}×{@code height}×{@code width} images (checked once, when batches are made).
     */
    default void requireFits(int channels, int height, int width) {}

    /** The output height for inputs of {@code height}×{@code width} (the input's by default). */
    default int outputHeight(int height, int width) { return height; }

    /** The output width for inputs of {@code height}×{@code width} (the input's by default). */
    default int outputWidth(int height, int width) { return width; }

    /**
     * Writes the transformed image into {@code dst} (C×outputHeight×outputWidth from offset 0),
     * reading {@code src} (C×height×width from offset 0); the two arrays are distinct.
     */
    void apply(float[] src, float[] dst, int channels, int height, int width, SampleRandom random);

    /** The configuration, for example {@code RandomCrop padding=4 zero}. */
    String spec();
}

package io.github.conv4j.data;

import java.util.Objects;

/**
 * How to cut a dataset into batches, set by name; each option returns a new configuration.
 * Defaults: batches of 64, pixels scaled to [0, 1] ({@link Normalization#NONE}), dataset order.
 * <pre>{@code try (Batches b = new BatchConfig().batchSize(256).normalization(Normalization.FASHION_MNIST).create(test)) { ... }}</pre>
 * The configuration is a plain value; {@link #create} allocates the off-heap batch buffers.
 */
public final class BatchConfig {
    private final int batchSize;
    private final Normalization normalization;
    private final boolean shuffle;
    private final long seed;

    /** Batches of 64 in dataset order, pixels scaled to [0, 1]. */
    public BatchConfig() { this(64, Normalization.NONE, false, 0); }

    private BatchConfig(int batchSize, Normalization normalization, boolean shuffle, long seed) {
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        this.batchSize = batchSize;
        this.normalization = Objects.requireNonNull(normalization, "normalization");
        this.shuffle = shuffle;
        this.seed = seed;
    }

    /** Images per batch, positive (default 64); a dataset smaller than that is one batch. */
    public BatchConfig batchSize(int n) { return new BatchConfig(n, normalization, shuffle, seed); }

    /** How pixels are standardised after scaling to [0, 1] (default {@link Normalization#NONE}). */
    public BatchConfig normalization(Normalization n) { return new BatchConfig(batchSize, n, shuffle, seed); }

    /** A new random order every epoch, drawn from {@code seed} and the epoch number (default: dataset order). */
    public BatchConfig shuffle(long seed) { return new BatchConfig(batchSize, normalization, true, seed); }

    /** Dataset order every epoch (the default). */
    public BatchConfig inOrder() { return new BatchConfig(batchSize, normalization, false, 0); }

    /** The images per batch. */
    public int batchSize() { return batchSize; }
    /** The pixel standardisation. */
    public Normalization normalization() { return normalization; }
    /** Whether each epoch is shuffled. */
    public boolean isShuffled() { return shuffle; }
    /** The shuffling seed (0 when in order). */
    public long seed() { return seed; }

    /** Batches over {@code data}, positioned at the start of epoch 0; close them to free the buffers. */
    public Batches create(Dataset data) { return new Batches(Objects.requireNonNull(data, "data"), this); }

    /** For example {@code batches of 64, Normalization[mean=0.286, std=0.353], shuffled (seed 42)}. */
    @Override public String toString() {
        return "batches of " + batchSize + ", " + normalization + (shuffle ? ", shuffled (seed " + seed + ")" : ", in order");
    }
}

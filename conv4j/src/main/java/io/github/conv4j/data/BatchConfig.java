package io.github.conv4j.data;

import io.github.conv4j.data.augment.Augmentation;
import java.util.List;
import java.util.Objects;

/**
 * How to cut a dataset into batches, set by name; each option returns a new configuration.
 * Defaults: batches of 64, pixels scaled to [0, 1] ({@link Normalization#NONE}), dataset order,
 * no augmentation, batches assembled in the caller's thread.
 * <pre>{@code
 * try (Batches b = new BatchConfig().batchSize(256).normalization(Normalization.FASHION_MNIST).create(test)) { ... }
 * try (Batches b = new BatchConfig().shuffle(42).augment(new RandomCrop(4), new HorizontalFlip()).loaderThreads(2).create(train)) { ... }
 * }</pre>
 * The configuration is a plain value; {@link #create} allocates the off-heap batch buffers (and
 * starts the loader threads).
 */
public final class BatchConfig {
    /** The most loader threads {@link #loaderThreads} accepts: beyond that they would only compete with training for cores. */
    public static final int MAX_LOADER_THREADS = 16;

    private final int batchSize;
    private final Normalization normalization;
    private final boolean shuffle;
    private final long seed;
    private final List<Augmentation> augmentations;
    private final int loaderThreads;

    /** Batches of 64 in dataset order, pixels scaled to [0, 1], no augmentation, no loader threads. */
    public BatchConfig() { this(64, Normalization.NONE, false, 0, List.of(), 0); }

    private BatchConfig(int batchSize, Normalization normalization, boolean shuffle, long seed, List<Augmentation> augmentations, int loaderThreads) {
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        if (loaderThreads < 0 || loaderThreads > MAX_LOADER_THREADS)
            throw new IllegalArgumentException("loaderThreads must be in [0, " + MAX_LOADER_THREADS + "], got " + loaderThreads);
        this.batchSize = batchSize;
        this.normalization = Objects.requireNonNull(normalization, "normalization");
        this.shuffle = shuffle;
        this.seed = seed;
        this.augmentations = augmentations;
        this.loaderThreads = loaderThreads;
    }

    /** Images per batch, positive (default 64); a dataset smaller than that is one batch. */
    public BatchConfig batchSize(int n) { return new BatchConfig(n, normalization, shuffle, seed, augmentations, loaderThreads); }

    /** How pixels are standardised after scaling to [0, 1] (default {@link Normalization#NONE}). */
    public BatchConfig normalization(Normalization n) { return new BatchConfig(batchSize, n, shuffle, seed, augmentations, loaderThreads); }

    /** A new random order every epoch, drawn from {@code seed} and the epoch number (default: dataset order); the augmentations' seed too. */
    public BatchConfig shuffle(long seed) { return new BatchConfig(batchSize, normalization, true, seed, augmentations, loaderThreads); }

    /** Dataset order every epoch (the default); augmentations are then seeded with 0. */
    public BatchConfig inOrder() { return new BatchConfig(batchSize, normalization, false, 0, augmentations, loaderThreads); }

    /**
     * Transforms every image with {@code steps}, in this order, on the [0, 1] scale before
     * normalisation (default: none; no arguments: none). Sample i of epoch e is transformed by
     * random draws that depend only on (seed, e, i). Meant for training batches: evaluation
     * batches should have none.
     */
    public BatchConfig augment(Augmentation... steps) { return augment(List.of(steps)); }

    /** {@link #augment(Augmentation...)} from a list (copied). */
    public BatchConfig augment(List<Augmentation> steps) {
        for (Augmentation a : Objects.requireNonNull(steps, "augmentations")) Objects.requireNonNull(a, "augmentation");
        return new BatchConfig(batchSize, normalization, shuffle, seed, List.copyOf(steps), loaderThreads);
    }

    /**
     * Threads that prepare the coming batches while the caller uses the current one, in [0,
     * {@value #MAX_LOADER_THREADS}] (default 0: each batch is assembled in {@link Batches#next()}).
     * The batches are the same for any count.
     */
    public BatchConfig loaderThreads(int n) { return new BatchConfig(batchSize, normalization, shuffle, seed, augmentations, n); }

    /** The images per batch. */
    public int batchSize() { return batchSize; }
    /** The pixel standardisation. */
    public Normalization normalization() { return normalization; }
    /** Whether each epoch is shuffled. */
    public boolean isShuffled() { return shuffle; }
    /** The shuffling and augmentation seed (0 when in order). */
    public long seed() { return seed; }
    /** The augmentation steps, in order; unmodifiable, empty for none. */
    public List<Augmentation> augmentations() { return augmentations; }
    /** The background loader threads (0: none). */
    public int loaderThreads() { return loaderThreads; }

    /** Batches over {@code data}, positioned at the start of epoch 0; close them to free the buffers (and stop the loader threads). */
    public Batches create(Dataset data) { return new Batches(Objects.requireNonNull(data, "data"), this); }

    /** For example {@code batches of 64, Normalization[mean=0.286, std=0.353], shuffled (seed 42)}, then any augmentation and loader threads. */
    @Override public String toString() {
        return "batches of " + batchSize + ", " + normalization + (shuffle ? ", shuffled (seed " + seed + ")" : ", in order")
                + (augmentations.isEmpty() ? "" : ", augmented by " + augmentations)
                + (loaderThreads == 0 ? "" : ", " + loaderThreads + " loader thread" + (loaderThreads == 1 ? "" : "s"));
    }
}

package io.github.conv4j.data;

import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Iterates over a dataset in (optionally shuffled) batches, normalising each batch into a
 * reusable off-heap tensor (N×C×H×W, standardised per channel) and label buffer; after the
 * constructor no step allocates. The order of epoch e depends only on (seed, e), and the
 * {@linkplain BatchConfig#augment augmentation} of sample i in epoch e only on (seed, e, i), so a
 * resumed run sees the same batches as an uninterrupted one, with any number of
 * {@linkplain BatchConfig#loaderThreads loader threads}. With loader threads the coming batches
 * are prepared in the background while the caller works on the current one; {@link #waitNanos()}
 * tells how long the caller still waited for them. Made by {@link BatchConfig#create}.
 */
public final class Batches implements AutoCloseable {
    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final int[] order;
    private final Shape imageShape;
    // Without loader threads the batch is assembled here, in the caller's thread, into `storage`.
    private final BatchAssembler assembler;
    private final Tensor storage;
    private final IntTensor labels;
    private final BackgroundLoader loader;
    private Tensor tail;
    private int cursor, current, epoch;
    private long waited;

    Batches(Dataset data, BatchConfig config) {
        this.data = data;
        this.batchSize = Math.min(config.batchSize(), data.size());
        this.shuffle = config.isShuffled();
        this.seed = config.seed();
        this.order = new int[data.size()];
        Normalization norm = config.normalization().forChannels(data.channels());
        BatchAssembler first = new BatchAssembler(data, norm, config.augmentations(), seed, batchSize);
        this.imageShape = Shape.of(data.channels(), first.outputHeight(), first.outputWidth());
        reorder(0);
        if (config.loaderThreads() == 0) {
            this.assembler = first;
            this.storage = Tensor.zeros(Shape.of(batchSize, imageShape.dim(0), imageShape.dim(1), imageShape.dim(2)));
            this.labels = new IntTensor(batchSize);
            this.loader = null;
        } else {
            this.assembler = null;
            this.storage = null;
            this.labels = null;
            this.loader = new BackgroundLoader(order, batchSize, imageShape, config.loaderThreads(),
                    t -> t == 0 ? first : new BatchAssembler(data, norm, config.augmentations(), seed, batchSize));
        }
    }

    /** Batches per epoch (the last one may be smaller). */
    public int batchCount() { return (data.size() + batchSize - 1) / batchSize; }
    /** Images per full batch (the configured size, or the dataset's when that is smaller). */
    public int batchSize() { return batchSize; }
    /** The dataset these batches cut. */
    public Dataset dataset() { return data; }
    /** C×H×W of the batches' images: the dataset's, unless an augmentation resizes them. */
    public Shape imageShape() { return imageShape; }

    /** Rewinds; with shuffling, draws the permutation of epoch {@code epoch}; augmentations draw that epoch's transforms. */
    public void startEpoch(int epoch) {
        if (loader != null) loader.restart(epoch, () -> reorder(epoch));
        else reorder(epoch);
        this.epoch = epoch;
        cursor = 0;
        waited = 0;
    }

    private void reorder(int epoch) {
        if (shuffle) epochOrder(order, seed, epoch);
        else for (int i = 0; i < order.length; i++) order[i] = i;
    }

    /**
     * Fills {@code order} with the sample order of epoch {@code epoch} of batches shuffled with
     * {@code seed}: a permutation of 0…n−1 that depends on (seed, epoch, n) alone. Public so that
     * other batchings (conv4j-spark's per-partition plan) walk the very samples these batches walk.
     */
    public static void epochOrder(int[] order, long seed, long epoch) {
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)));
        for (int i = order.length - 1; i > 0; i--) {   // Fisher–Yates
            int j = rng.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
    }

    /**
     * Loads the next batch, or with loader threads waits for it (rethrowing a worker's failure as a
     * {@link BatchLoadingException}); false at the end of the epoch. The previous batch's buffers
     * may be refilled once this is called.
     */
    public boolean next() {
        long begin = System.nanoTime();
        try {
            if (loader != null) return loader.next();
            if (cursor >= order.length) return false;
            int n = Math.min(batchSize, order.length - cursor);
            assembler.assemble(order, cursor, n, epoch, storage, labels);
            cursor += n;
            current = n;
            return true;
        } finally {
            waited += System.nanoTime() - begin;
        }
    }

    /**
     * Nanoseconds spent in {@link #next()} since the epoch started: assembling the batches in the
     * caller's thread, or with loader threads, waiting for them.
     */
    public long waitNanos() { return waited; }

    /** Images of the current batch, N×C×H×W (the last batch of an epoch may be smaller). */
    public Tensor images() {
        if (loader != null) return loader.images();
        if (current == batchSize) return storage;
        if (tail == null || tail.dim(0) != current)
            tail = storage.view(0, Shape.of(current, imageShape.dim(0), imageShape.dim(1), imageShape.dim(2)));
        return tail;
    }

    /** Labels of the current batch (its first {@link #size()} entries). */
    public IntTensor labels() { return loader != null ? loader.labels() : labels; }

    /** Images in the current batch. */
    public int size() { return loader != null ? loader.size() : current; }

    /** Stops the loader threads, if any, and frees the image and label buffers. */
    @Override public void close() {
        if (loader != null) {
            loader.close();
        } else {
            storage.close();
            labels.close();
        }
    }
}

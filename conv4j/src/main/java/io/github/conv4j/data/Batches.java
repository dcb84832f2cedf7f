package io.github.conv4j.data;

import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Iterates over a dataset in (optionally shuffled) batches, normalising each batch into one
 * reusable off-heap tensor (N×C×H×W, standardised per channel) and label buffer; after the
 * constructor no step allocates. The order of epoch e depends only on
 * (seed, e), so a resumed run sees the same batches as an uninterrupted one. Made by
 * {@link BatchConfig#create}.
 */
public final class Batches implements AutoCloseable {
    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final int[] order;
    private final int channels, plane;
    private final float[] lut;            // byte images: channel c's value v is lut[c * 256 + v]
    private final float[] mean, std;      // float images: (v − mean[c]) / std[c], as Normalization.apply
    private final float[] staging;
    private final int[] labelStaging;
    private final Tensor storage;
    private final IntTensor labels;
    private Tensor full, tail;
    private int cursor, current;

    Batches(Dataset data, BatchConfig config) {
        this.data = data;
        this.batchSize = Math.min(config.batchSize(), data.size());
        this.shuffle = config.isShuffled();
        this.seed = config.seed();
        this.order = new int[data.size()];
        this.channels = data.channels();
        this.plane = data.height() * data.width();
        Normalization norm = config.normalization().forChannels(channels);
        this.mean = new float[channels];
        this.std = new float[channels];
        for (int c = 0; c < channels; c++) { mean[c] = norm.mean(c); std[c] = norm.std(c); }
        if (data.isBytes()) {
            this.lut = new float[channels * 256];
            for (int c = 0; c < channels; c++)
                for (int v = 0; v < 256; v++) lut[c * 256 + v] = norm.apply(c, v / 255f);
        } else {
            this.lut = null;
        }
        this.staging = new float[Math.multiplyExact(this.batchSize, data.valuesPerImage())];
        this.labelStaging = new int[this.batchSize];
        this.storage = Tensor.zeros(Shape.of(this.batchSize, channels, data.height(), data.width()));
        this.labels = new IntTensor(this.batchSize);
        this.full = storage;
        startEpoch(0);
    }

    /** Batches per epoch (the last one may be smaller). */
    public int batchCount() { return (data.size() + batchSize - 1) / batchSize; }
    /** Images per full batch (the configured size, or the dataset's when that is smaller). */
    public int batchSize() { return batchSize; }
    /** The dataset these batches cut. */
    public Dataset dataset() { return data; }

    /** Rewinds; with shuffling, draws the permutation of epoch {@code epoch}. */
    public void startEpoch(int epoch) {
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)));
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i]; order[i] = order[j]; order[j] = t;
            }
        }
        cursor = 0;
    }

    /** Loads the next batch; false at the end of the epoch. */
    public boolean next() {
        if (cursor >= order.length) return false;
        int n = Math.min(batchSize, order.length - cursor), px = data.valuesPerImage();
        byte[] pixels = data.bytes();
        float[] values = data.floats();
        for (int i = 0; i < n; i++) {
            int idx = order[cursor + i], src = data.source(idx) * px, dst = i * px;
            for (int c = 0; c < channels; c++) {
                int from = src + c * plane, to = dst + c * plane;
                if (pixels != null) {
                    int base = c * 256;
                    for (int j = 0; j < plane; j++) staging[to + j] = lut[base + (pixels[from + j] & 0xFF)];
                } else {
                    float m = mean[c], s = std[c];
                    for (int j = 0; j < plane; j++) staging[to + j] = (values[from + j] - m) / s;
                }
            }
            labelStaging[i] = data.label(idx);
        }
        storage.copyFrom(staging, 0, 0, n * px);
        labels.copyFrom(labelStaging, 0, n);
        cursor += n;
        current = n;
        return true;
    }

    /** Images of the current batch, N×C×H×W (the last batch of an epoch may be smaller). */
    public Tensor images() {
        if (current == batchSize) return full;
        if (tail == null || tail.dim(0) != current) tail = storage.view(0, Shape.of(current, channels, data.height(), data.width()));
        return tail;
    }

    /** Labels of the current batch (its first {@link #size()} entries). */
    public IntTensor labels() { return labels; }

    /** Images in the current batch. */
    public int size() { return current; }

    /** Frees the image and label buffers. */
    @Override public void close() {
        storage.close();
        labels.close();
    }
}

package io.github.conv4j.data;

import io.github.conv4j.data.augment.Augmentation;
import io.github.conv4j.data.augment.SampleRandom;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Tensor;
import java.util.List;

/**
 * Fills one batch buffer: each image of a run of the epoch's order is scaled to [0, 1], augmented
 * (training only), standardised per channel and copied with its label into an off-heap tensor.
 * Its scratch arrays are its own, so each loader thread has one assembler and they never share
 * mutable state; after the constructor nothing allocates.
 */
final class BatchAssembler {
    private final Dataset data;
    private final List<Augmentation> steps;
    private final long seed;
    private final int channels, plane, outPlane;
    private final int[] heights, widths;     // the image size entering step k (index steps.size(): the output)
    private final float[] lut;               // byte images without augmentation: channel c's value v is lut[c * 256 + v]
    private final float[] mean, std;
    private final float[] ping, pong;        // an image between augmentation steps
    private final float[] staging;
    private final int[] labelStaging;
    private final SampleRandom random = new SampleRandom();

    BatchAssembler(Dataset data, Normalization norm, List<Augmentation> steps, long seed, int batchSize) {
        this.data = data;
        this.steps = List.copyOf(steps);
        this.seed = seed;
        this.channels = data.channels();
        this.plane = data.height() * data.width();
        int n = this.steps.size(), largest = plane;
        this.heights = new int[n + 1];
        this.widths = new int[n + 1];
        heights[0] = data.height();
        widths[0] = data.width();
        for (int k = 0; k < n; k++) {
            Augmentation a = this.steps.get(k);
            a.requireFits(channels, heights[k], widths[k]);
            heights[k + 1] = a.outputHeight(heights[k], widths[k]);
            widths[k + 1] = a.outputWidth(heights[k], widths[k]);
            largest = Math.max(largest, heights[k + 1] * widths[k + 1]);
        }
        this.outPlane = heights[n] * widths[n];
        this.mean = new float[channels];
        this.std = new float[channels];
        for (int c = 0; c < channels; c++) { mean[c] = norm.mean(c); std[c] = norm.std(c); }
        if (data.isBytes() && n == 0) {
            this.lut = new float[channels * 256];
            for (int c = 0; c < channels; c++)
                for (int v = 0; v < 256; v++) lut[c * 256 + v] = norm.apply(c, v / 255f);
        } else {
            this.lut = null;
        }
        this.ping = n == 0 ? null : new float[Math.multiplyExact(channels, largest)];
        this.pong = n == 0 ? null : new float[Math.multiplyExact(channels, largest)];
        this.staging = new float[Math.multiplyExact(batchSize, channels * outPlane)];
        this.labelStaging = new int[batchSize];
    }

    /** The height of the images this assembler produces. */
    int outputHeight() { return heights[heights.length - 1]; }
    /** The width of the images this assembler produces. */
    int outputWidth() { return widths[widths.length - 1]; }

    /** Fills {@code images} and {@code labels} with the {@code n} images {@code order[from..from+n)} of {@code epoch}. */
    void assemble(int[] order, int from, int n, int epoch, Tensor images, IntTensor labels) {
        int out = channels * outPlane;
        for (int i = 0; i < n; i++) {
            int idx = order[from + i];
            if (steps.isEmpty()) standardise(data.source(idx), i * out);
            else augment(idx, epoch, i * out);
            labelStaging[i] = data.label(idx);
        }
        images.copyFrom(staging, 0, 0, n * out);
        labels.copyFrom(labelStaging, 0, n);
    }

    /** Without augmentation: straight from the dataset's arrays into the staging batch. */
    private void standardise(int source, int dst) {
        byte[] pixels = data.bytes();
        float[] values = data.floats();
        int src = source * channels * plane;
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
    }

    /** Dataset image {@code idx} on the [0, 1] scale, through every step (seeded by (seed, epoch, idx)), then standardised. */
    private void augment(int idx, int epoch, int dst) {
        byte[] pixels = data.bytes();
        int src = data.source(idx) * channels * plane, per = channels * plane;
        if (pixels != null) for (int j = 0; j < per; j++) ping[j] = (pixels[src + j] & 0xFF) / 255f;
        else System.arraycopy(data.floats(), src, ping, 0, per);
        random.reset(seed, epoch, idx);
        float[] in = ping, out = pong;
        for (int k = 0; k < steps.size(); k++) {
            steps.get(k).apply(in, out, channels, heights[k], widths[k], random);
            float[] t = in; in = out; out = t;
        }
        for (int c = 0; c < channels; c++) {
            float m = mean[c], s = std[c];
            for (int j = c * outPlane, end = j + outPlane; j < end; j++) staging[dst + j] = (in[j] - m) / s;
        }
    }
}

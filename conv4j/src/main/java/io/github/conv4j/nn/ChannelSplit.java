package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Conv4jNative.ConvGeom;
import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.function.IntConsumer;

/**
 * A one-image convolution forward split over the workers by output channels, where splitting
 * the batch leaves all but one core idle (batch-1 inference: the latency). Output channels of an
 * ungrouped convolution are independent: worker s computes channels [k0, k1) from the whole
 * input with the weight rows and biases of those channels, as a convolution of its own (its own
 * geometry, kernel-path choice and workspace slice) writing the slab y[k0·P·Q, k1·P·Q) of the one
 * image. Only for one image: with more, a channel range is no longer one contiguous slab. The
 * weight and bias views are made once; the output's when the layer's output buffer changes, so a
 * steady loop allocates nothing.
 */
final class ChannelSplit implements AutoCloseable {
    /**
     * Multiply-adds of the whole convolution below which one thread does it all: handing half of
     * it to a worker costs the worker's wake-up and the caller's wait (a few microseconds with the
     * pool's workers spinning between calls).
     */
    static final long MIN_SPLIT_WORK = Long.getLong("conv4j.conv.split.work", 1L << 18);
    /** Output channels per worker at least, so that each part still fills a vector column. */
    private static final int MIN_CHANNELS = 16;

    private final ConvGeom[] parts;
    private final int[] first;   // first output channel of part s; first[count] = K
    private final Tensor[] w, b, y;
    private final PackedWeights[] packed;   // each part's weights as its fast forward reads them; null when switched off
    private final long plane, work;
    private final String name;
    private final int workers;
    private final long scratchFloats;   // the most any part needs
    private final ConvPaths paths;      // the parts' kernel paths
    private Tensor viewed;   // the output the y views are of

    /**
     * The split of the one-image geometry {@code g} (groups 1) over at most {@code workers}
     * parts, each a multiple of 16 channels but the last; weight {@code weight} (K × C·R·S) and
     * bias {@code bias} (K, or null); {@code name} names the layer in errors. With {@code pack}
     * (the layer's packed weights, or null) each part keeps its weights packed across calls
     * ({@link PackedWeights}), in its rows of the layer's packing where every part starts on a
     * packed panel.
     */
    ChannelSplit(ConvGeom g, int workers, Tensor weight, Tensor bias, String name, PackedWeights pack) {
        this.name = name;
        this.workers = workers;
        int k = g.k(), count = Math.max(1, Math.min(workers, k / MIN_CHANNELS));
        plane = (long) g.out_h() * g.out_w();
        long rows = weight.size() / k;
        work = plane * rows * k;
        first = new int[count + 1];
        for (int s = 0; s <= count; s++) first[s] = s == count ? k : (int) ((long) k * s / count) & ~(MIN_CHANNELS - 1);
        parts = new ConvGeom[count];
        w = new Tensor[count];
        b = new Tensor[count];
        y = new Tensor[count];
        packed = pack != null ? new PackedWeights[count] : null;
        boolean inLayers = true;
        for (int s = 1; s < count; s++) inLayers &= PackedWeights.aligned(first[s]);
        for (int s = 0; s < count; s++) {
            int channels = first[s + 1] - first[s];
            parts[s] = ConvShape.of(g).applyTo(new ConvGeom()).n(1).chunk(1).k(channels).relu(g.relu());
            w[s] = weight.view(first[s] * rows, Shape.of(channels * (int) rows));
            b[s] = bias == null ? null : bias.view(first[s], Shape.of(channels));
            if (pack != null) packed[s] = new PackedWeights(w[s], name, inLayers ? pack : null, first[s] * rows);
        }
        long most = 0;
        for (ConvGeom p : parts) most = Math.max(most, Conv4jNative.conv2dWorkspace(p));
        scratchFloats = most;
        paths = new ConvPaths(name, bias != null, parts);
    }

    /** Workers this split uses: 1 means it is not worth splitting (then the layer runs as it would otherwise). */
    int count() { return work < MIN_SPLIT_WORK ? 1 : parts.length; }

    /** The workers it was made for (a split is remade when the pool changes). */
    int workers() { return workers; }

    /**
     * Reserves each part its scratch in {@code ws} and sets each part's paths, chosen for the
     * part's own geometry (of one image) as the layer's are for its own ({@link ConvPaths}).
     */
    void prepare(Workspace ws, boolean needsScratch) {
        if (needsScratch) ws.reserve(scratchFloats, parts.length, name);
        paths.choose(1, needsScratch);
        if (packed != null) for (int s = 0; s < parts.length; s++) packed[s].prepare(parts[s]);   // after the paths: they set the layout
    }

    /** Scratch floats a part needs. */
    long scratchFloats() { return scratchFloats; }

    /** Points the parts at {@code output} (the layer's one-image output buffer). */
    void output(Tensor output) {
        if (output == viewed) return;
        for (int s = 0; s < parts.length; s++)
            y[s] = output.view(first[s] * plane, Shape.of((int) ((first[s + 1] - first[s]) * plane)));
        viewed = output;
    }

    /**
     * Part {@code s} of the forward pass of image {@code x} into the output, with {@code ws} as its
     * scratch (or null). Its packed weights are refreshed here, on the worker that runs the part:
     * no other thread touches them during the call, and the parts pack in parallel.
     */
    void forward(int s, Tensor x, Tensor ws) {
        int layout = packed == null ? 0 : packed[s].refresh(parts[s]);
        Tensor pw = layout == 0 ? null : packed[s].packed();   // null: the kernel packs w itself, per call
        Status.check(Conv4jNative.conv2dForwardPacked(parts[s], 0, 1, x.pointer(), w[s].pointer(), pw == null ? null : pw.pointer(),
                pw == null ? 0 : pw.size(), layout, b[s] == null ? null : b[s].pointer(), y[s].pointer(),
                ws == null ? null : ws.pointer(), ws == null ? 0 : ws.size()), name);
    }

    /** Forgets every part's packed weights (see {@link PackedWeights#invalidate}). */
    void invalidate() {
        if (packed != null) for (PackedWeights p : packed) p.invalidate();
    }

    /** Runs {@code shard} for each part on the workers. */
    void run(IntConsumer shard) { Parallelism.pool().run(shard, count()); }

    @Override public void close() {
        for (ConvGeom p : parts) p.close();
        if (packed != null) for (PackedWeights p : packed) p.close();
    }
}

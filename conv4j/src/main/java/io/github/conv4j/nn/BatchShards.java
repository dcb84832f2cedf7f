package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Splits one layer call over the workers of {@link Parallelism}: each shard is a contiguous range
 * of the batch, and accumulates parameter gradients into its own buffers (shard 0 into the
 * model's), which are added up after the call in shard order. Everything is allocated once, per
 * layer (a shard's buffers at its first use).
 *
 * <p>{@link #split} cuts the batch into one shard per worker. {@link #balance} cuts it into more
 * shards than workers, "pieces": one large piece per worker first, then ever smaller ones down to
 * one image, which the pool hands to whichever thread is free. The cut depends on the batch, the
 * worker count and the gradient size only, never on timing, and each piece has its own gradient
 * buffer summed in piece order, so the bits are the same in every run. Why: with one static half
 * per thread a call lasts as long as the slower half, and on a shared VM one of the two threads is
 * regularly descheduled for milliseconds, or simply slower (the worker's half of the reference
 * CNN's convolutions took 1–10 % longer than the caller's); with pieces the other thread takes the
 * remaining pieces meanwhile.
 */
final class BatchShards implements AutoCloseable {
    /** Extra gradient floats a layer may hold for its pieces (-Dconv4j.pieces.floats): beyond this, fewer pieces. */
    static final long PIECE_GRADIENT_FLOATS = Long.getLong("conv4j.pieces.floats", 1L << 20);
    /** Whether {@link #balance} cuts pieces (-Dconv4j.pieces=false: it splits as {@link #split}); not final, so a probe can switch it. */
    static volatile boolean piecesOn = !"false".equals(System.getProperty("conv4j.pieces"));
    static volatile boolean backwardPieces = Boolean.getBoolean("conv4j.pieces.backward");   // TEMP probe
    /** At most this many pieces a call. */
    static final int MAX_PIECES = 64;

    private final Tensor[] own;            // the layer's own gradient tensors: shard 0's
    private final Tensor[][] perShard;     // [shard][gradient], shard ≥ 1, made at first use
    private final long gradientFloats;
    private final int[] cut = new int[MAX_PIECES + 1];   // shard s covers [cut[s], cut[s + 1])
    private int count = 1, threads = 1;   // shards of the current call, and the threads it may run on

    /** {@code grads}: the layer's gradient tensors (may be empty: then nothing is reduced). */
    BatchShards(List<Tensor> grads) {
        own = grads.toArray(new Tensor[0]);
        perShard = new Tensor[MAX_PIECES][];
        long floats = 0;
        for (Tensor t : own) floats += t.size();
        gradientFloats = floats;
    }

    /** Prepares a call over a batch of {@code n}, one shard for each of at most {@code limit} workers; returns their number. */
    int split(int n, int limit) {
        count = threads = workers(n, limit);
        for (int s = 0; s <= count; s++) cut[s] = (int) ((long) n * s / count);
        return count;
    }

    private static int workers(int n, int limit) {
        return Math.max(1, Math.min(Math.min(Parallelism.shards(), MAX_PIECES), Math.min(n, limit)));
    }

    /**
     * Prepares a balanced call over a batch of {@code n} ({@link #split}'s workers): with w ≥ 2
     * workers, w pieces of 3/4 of the batch between them, then pieces of ⌈r/2w⌉ of the r images
     * left (at least one image), as many as {@link #PIECE_GRADIENT_FLOATS} allows buffers for (at
     * least w, then it is {@link #split}). 64 images on two workers: 24, 24, 4, 3, 3, 2, 1, 1, 1, 1.
     * Returns the workers; {@link #count()} is the number of pieces.
     */
    int balance(int n, int limit) {
        int w = split(n, limit);
        if (w < 2 || !piecesOn) return w;
        long affordable = gradientFloats == 0 ? MAX_PIECES : 1 + PIECE_GRADIENT_FLOATS / gradientFloats;
        int most = (int) Math.min(Math.min(MAX_PIECES, n), affordable);
        if (most <= w) return w;
        int head = Math.max(1, 3 * n / (4 * w)), at = 0, p = 0;
        for (; p < w; p++) cut[p + 1] = at += head;
        while (at < n) {
            int left = n - at, slots = most - p;
            int size = slots <= 1 ? left : Math.max((left + 2 * w - 1) / (2 * w), (left + slots - 1) / slots);
            cut[++p] = at += Math.min(size, left);
        }
        count = p;
        return w;
    }

    /** Threads the current call may run on (scratch slots to reserve). */
    int threads() { return threads; }

    /** Shards (pieces) of the current call. */
    int count() { return count; }
    int begin(int shard) { return cut[shard]; }
    int end(int shard) { return cut[shard + 1]; }

    /** The gradient accumulators of shard {@code shard}: zeroed first unless they are the model's own. */
    Tensor[] gradients(int shard) {
        if (shard == 0) return own;
        Tensor[] g = perShard[shard];
        if (g == null) {   // made on the calling thread before the call runs: see ensureBuffers
            throw new IllegalStateException("BatchShards: no gradient buffers for shard " + shard);
        }
        for (Tensor t : g) t.zero();
        return g;
    }

    /** Runs the shards, then adds the other shards' gradients into the model's, in shard order. */
    void run(IntConsumer shard, boolean reduce) {
        if (reduce) ensureBuffers();
        // One shard runs on this thread, OpenBLAS single-threaded (ShardPool.run); no more threads than
        // split's workers, so a shard's ShardPool.slot() stays below the scratch slices reserved for them.
        Parallelism.pool().run(shard, count, threads);
        if (!reduce) return;
        for (int s = 1; s < count; s++)
            for (int i = 0; i < own.length; i++) Conv4jNative.add(own[i].size(), perShard[s][i].pointer(), own[i].pointer());
    }

    private void ensureBuffers() {
        for (int s = 1; s < count; s++) {
            if (perShard[s] != null) continue;
            perShard[s] = new Tensor[own.length];
            for (int i = 0; i < own.length; i++) perShard[s][i] = Tensor.zeros(own[i].shape());
        }
    }

    @Override public void close() {
        for (Tensor[] g : perShard) if (g != null) for (Tensor t : g) t.close();
    }
}

package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Splits one layer call over the workers of {@link Parallelism}: each worker takes a contiguous
 * range of the batch, and accumulates parameter gradients into its own buffers (worker 0 into the
 * model's), which are added up after the call. The other workers' buffers are views of the
 * model's {@link Workspace#gradientScratch} (made again when that grows), which all its layers
 * share: they run one at a time.
 */
final class BatchShards implements AutoCloseable {
    private final Tensor[][] perWorker;   // [worker][gradient]; worker 0 holds the layer's own tensors
    private final Workspace scratch;      // where the other workers' are; null when there are no gradients
    private final long floatsPerWorker;
    private Tensor viewed;                // the scratch memory perWorker[1..] are views of
    private int batch, count = 1;

    /** Without parameter gradients: nothing is reduced. */
    BatchShards(List<Tensor> grads) { this(grads, null); }

    /** {@code grads}: the layer's gradient tensors (may be empty: then nothing is reduced), the other workers' sums in {@code ws}'s memory. */
    BatchShards(List<Tensor> grads, Workspace ws) {
        if (!grads.isEmpty() && ws == null) throw new IllegalArgumentException("parameter gradients need a workspace to sum the workers' in");
        int workers = Parallelism.shards();
        perWorker = new Tensor[workers][];
        perWorker[0] = grads.toArray(new Tensor[0]);
        for (int w = 1; w < workers; w++) perWorker[w] = new Tensor[grads.size()];
        long floats = 0;
        for (Tensor g : grads) floats += g.size();
        floatsPerWorker = floats;
        scratch = grads.isEmpty() ? null : ws;
    }

    /** Points the other workers' gradients at the scratch memory (on the calling thread, before they run). */
    private void viewScratch() {
        if (scratch == null || perWorker.length < 2) return;
        Tensor m = scratch.gradientScratch(floatsPerWorker * (perWorker.length - 1));
        if (m == viewed) return;
        long at = 0;
        for (int w = 1; w < perWorker.length; w++)
            for (int i = 0; i < perWorker[0].length; i++) {
                perWorker[w][i] = m.view(at, perWorker[0][i].shape());
                at += perWorker[0][i].size();
            }
        viewed = m;
    }

    /** Prepares a call over a batch of {@code n}, using at most {@code limit} workers; returns their number. */
    int split(int n, int limit) {
        batch = n;
        count = Math.max(1, Math.min(Math.min(Parallelism.shards(), perWorker.length), Math.min(n, limit)));
        return count;
    }

    int count() { return count; }
    int begin(int shard) { return (int) ((long) batch * shard / count); }
    int end(int shard) { return (int) ((long) batch * (shard + 1) / count); }

    /**
     * The gradient accumulators of worker {@code shard}: zeroed first unless they are the model's
     * own; valid in a call run with {@code reduce} (else not there for the other workers).
     */
    Tensor[] gradients(int shard) {
        if (shard > 0) for (Tensor t : perWorker[shard]) if (t != null && t.isOpen()) t.zero();   // (stale views: not this call's)
        return perWorker[shard];
    }

    /** Runs the shards, then, with {@code reduce}, adds the workers' gradients into the model's. */
    void run(IntConsumer shard, boolean reduce) {
        if (reduce && count > 1) viewScratch();
        Parallelism.pool().run(shard, count);   // one shard runs on this thread, OpenBLAS single-threaded (ShardPool.run)
        if (!reduce) return;
        Tensor[] own = perWorker[0];
        for (int w = 1; w < count; w++)
            for (int i = 0; i < own.length; i++) Conv4jNative.add(own[i].size(), perWorker[w][i].pointer(), own[i].pointer());
    }

    /** Nothing of its own to free: the other workers' gradients are the workspace's memory. */
    @Override public void close() {}
}

package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Splits one layer call over the workers of {@link Parallelism}: each worker takes a contiguous
 * range of the batch, and accumulates parameter gradients into its own buffers (worker 0 into the
 * model's), which are added up after the call. Everything is allocated once, per layer.
 */
final class BatchShards implements AutoCloseable {
    private final Tensor[][] perWorker;   // [worker][gradient]; worker 0 holds the layer's own tensors
    private int batch, count = 1;

    /** {@code grads}: the layer's gradient tensors (may be empty: then nothing is reduced). */
    BatchShards(List<Tensor> grads) {
        int workers = Parallelism.shards();
        perWorker = new Tensor[workers][];
        perWorker[0] = grads.toArray(new Tensor[0]);
        for (int w = 1; w < workers; w++) {
            perWorker[w] = new Tensor[grads.size()];
            for (int i = 0; i < grads.size(); i++) perWorker[w][i] = Tensor.zeros(grads.get(i).shape());
        }
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

    /** The gradient accumulators of worker {@code shard}: zeroed first unless they are the model's own. */
    Tensor[] gradients(int shard) {
        if (shard > 0) for (Tensor t : perWorker[shard]) t.zero();
        return perWorker[shard];
    }

    /** Runs the shards, then adds the workers' gradients into the model's. */
    void run(IntConsumer shard, boolean reduce) {
        Parallelism.pool().run(shard, count);   // one shard runs on this thread, OpenBLAS single-threaded (ShardPool.run)
        if (!reduce) return;
        Tensor[] own = perWorker[0];
        for (int w = 1; w < count; w++)
            for (int i = 0; i < own.length; i++) Conv4jNative.add(own[i].size(), perWorker[w][i].pointer(), own[i].pointer());
    }

    @Override public void close() {
        for (int w = 1; w < perWorker.length; w++) for (Tensor t : perWorker[w]) t.close();
    }
}

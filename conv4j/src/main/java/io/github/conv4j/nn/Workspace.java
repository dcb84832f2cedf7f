package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/**
 * Scratch memory shared by all layers of a model (after Darknet): before running its shards, a
 * layer reserves the scratch space the current batch needs per worker, for each of the workers
 * that run at once (see {@link Parallelism}). The buffer grows to the largest request and is then
 * reused, so a steady training loop allocates nothing; nothing is reserved before the first batch
 * (a model file declaring a huge input costs nothing until a batch of that size arrives).
 */
public final class Workspace implements AutoCloseable {
    private final long limitFloats;
    private Tensor buffer;
    private Tensor[] slices = new Tensor[0];
    private long perShard;
    private Tensor gradients;   // the workers' parameter-gradient sums (BatchShards), null until a layer needs them

    /** A workspace that refuses to grow past {@code limitBytes}. */
    public Workspace(long limitBytes) {
        if (limitBytes <= 0) throw new IllegalArgumentException("workspace limit must be positive");
        this.limitFloats = limitBytes / Float.BYTES;
    }

    /** Default limit: the system property {@code conv4j.workspace.limit.mb}, else 4096 MB. */
    public Workspace() { this(Long.getLong("conv4j.workspace.limit.mb", 4096L) << 20); }

    /** Ensures {@code shards} slices of at least {@code floats} each, refusing more than the limit. */
    public void reserve(long floats, int shards, String who) {
        if (floats < 0 || shards < 1)
            throw new IllegalStateException(who + ": bad workspace request of " + shards + " × " + floats + " floats");
        // floats alone above the limit: refused before the product could overflow
        long total = floats > limitFloats ? floats : floats * shards;
        if (total > limitFloats)
            throw new IllegalArgumentException(who + " needs a workspace of " + shards + " × " + (floats >> 18)
                    + " MB (" + floats + " floats per worker), above the limit of " + (limitFloats >> 18)
                    + " MB (raise -Dconv4j.workspace.limit.mb, use fewer threads or a smaller model)");
        if (floats == 0 || (floats <= perShard && shards <= slices.length)) return;
        closeBuffer();
        perShard = floats;
        buffer = Tensor.zeros(Shape.of(Math.toIntExact(total)));
        slices = new Tensor[shards];
        for (int s = 0; s < shards; s++) slices[s] = buffer.view(s * floats, Shape.of(Math.toIntExact(floats)));
    }

    /** Scratch slice of worker {@code shard}, at least {@code floats} long; null when none is needed. */
    public Tensor get(int shard, long floats) {
        if (floats == 0) return null;
        if (shard >= slices.length || perShard < floats)
            throw new IllegalStateException("workspace slice " + shard + " of " + perShard + " floats used for " + floats);
        return slices[shard];
    }

    /** Slices reserved (workers that may run at once). */
    public int shards() { return slices.length; }

    /** Floats reserved in all (0 before the first batch). */
    public long sizeFloats() { return buffer == null ? 0 : buffer.size(); }

    /**
     * Memory of at least {@code floats} where the workers of one layer call other than the first
     * sum their parameter gradients ({@link BatchShards}): one for all the model's layers, which
     * run one at a time, so it is as large as the largest layer's (not one copy of every layer's
     * gradients per worker). Growing frees the old memory; what a call wrote there is garbage at
     * the next. Not counted against the limit: the limit bounds the convolution scratch, which
     * grows with the batch, where this is bounded by parameters the model already holds.
     */
    Tensor gradientScratch(long floats) {
        if (gradients == null || gradients.size() < floats) {
            if (gradients != null) gradients.close();
            gradients = null;   // if the allocation below throws, no closed tensor stays in the field
            gradients = Tensor.zeros(Shape.of(Math.toIntExact(floats)));
        }
        return gradients;
    }

    /**
     * Frees all scratch memory; the next reservation allocates it again (what a call wrote there
     * is garbage at the next anyway). Closing does the same.
     */
    public void release() {
        closeBuffer();
        if (gradients != null) gradients.close();
        gradients = null;
    }

    @Override public void close() { release(); }

    private void closeBuffer() {
        if (buffer != null) buffer.close();
        buffer = null;
        slices = new Tensor[0];
        perShard = 0;
    }
}

package io.github.conv4j.nn;

import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * An elementwise pass over a flat buffer (an optimiser's update) split over the workers of
 * {@link Parallelism}, each taking one contiguous slice. Only for passes in which every element's
 * result depends on that element alone: then where the buffer is cut changes no bit, and the
 * result is the same on any number of threads. Below {@link #MIN_SPLIT} elements the calling thread
 * does it all. A call allocates nothing; an instance serves one caller at a time.
 *
 * <p>Why: the SGD step of the reference CNN (857,738 parameters, ~17 MB read and written) took
 * ~330 µs of a ~12.3 ms two-thread training step on one core while the other waited, and the
 * worker, idle that long, parked and took ~60 µs to wake for the next step's first convolution.
 */
public final class SlicedPass {
    /** One slice of the pass: elements [begin, end) of the buffer. */
    @FunctionalInterface
    public interface Slice {
        void run(long begin, long end);
    }

    /** Elements below which one thread runs the whole pass (~25 µs of an SGD update: waking a parked worker costs about that). */
    static final long MIN_SPLIT = 1 << 16;

    private final Slice slice;
    private final IntConsumer shard = this::shard;
    private long length;   // of the current call, read by the shards
    private int count;

    /** A pass running {@code slice} on each worker's part of the buffer. */
    public SlicedPass(Slice slice) { this.slice = Objects.requireNonNull(slice, "slice"); }

    /** Runs the pass over elements [0, length), split over the workers from {@link #MIN_SPLIT} elements. */
    public void run(long length) {
        if (length < 0) throw new IllegalArgumentException("SlicedPass: negative length " + length);
        this.length = length;
        count = length < MIN_SPLIT ? 1 : Parallelism.shards();
        Parallelism.pool().run(shard, count);   // a busy pool (another model's call) runs every slice here
    }

    /**
     * Where slice {@code s} of {@code count} starts ({@code s = count}: the end): floor(length·s/count)
     * rounded down to 16 elements, so two workers never write one 64-byte line of an aligned buffer.
     */
    static long start(long length, int s, int count) {
        if (s >= count) return length;
        long exact = length / count * s + length % count * s / count;   // floor(length·s/count) without overflow
        return exact & ~15L;
    }

    private void shard(int s) { slice.run(start(length, s, count), start(length, s + 1, count)); }
}

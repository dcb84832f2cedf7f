package io.github.conv4j.nn;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Persistent worker threads that run the shards of one layer call: the calling thread and the
 * workers each claim shards until none is left (usually shard 0 the caller's, shard i worker
 * i's; a shard's state is keyed by its index, never by the thread). A call allocates nothing
 * (workers are woken by a generation counter and park/unpark), so a training loop that shards
 * every convolution stays allocation-free. One call at a time: a caller that finds the pool busy (another model on
 * another thread) runs all its shards itself.
 *
 * <p>A worker that finishes a shard first polls for {@link #SPIN_NANOS}, and a caller waiting for
 * its workers for as long as its own shards took (at least that), yielding the core to any other
 * runnable thread each time, and only then parks: waking a parked thread takes a futex call and,
 * on an idle virtual CPU, the hypervisor's wake-up, tens of microseconds against the few
 * microseconds of a one-image layer.
 *
 * <p>{@link #shutdown()} (from {@link Parallelism#configure}) waits for the call in flight, and a
 * worker always finishes a shard it was handed before it exits; a caller still holding a shut-down
 * pool runs its shards itself. So reconfiguring while layers run never strands a caller.
 */
final class ShardPool {
    /** How long an idle worker polls before it parks, and a waiting caller at least: -Dconv4j.pool.spin.us (default 200 µs). */
    static final long SPIN_NANOS = Long.getLong("conv4j.pool.spin.us", 200) * 1000;

    private final Worker[] workers;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();   // shards of the call not yet done
    /** Bits of {@link #claims} for the next shard; the generation is above them. */
    private static final int SHARD_BITS = 16;
    private final AtomicLong claims = new AtomicLong();           // (generation << SHARD_BITS) | next shard
    private volatile IntConsumer task;
    private volatile int shards;
    private volatile long generation;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean stopped;

    ShardPool(int threads) {
        workers = new Worker[Math.max(0, threads - 1)];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    int threads() { return workers.length + 1; }

    /**
     * Runs {@code task.accept(s)} for s in [0, shards); shards must not exceed {@link #threads()}.
     * One shard runs on the calling thread, OpenBLAS single-threaded as everywhere in BATCH mode:
     * it used to be widened to every thread for a call that cannot be split (batch-1 inference),
     * but OpenBLAS's thread count is process-wide, so another model's call running meanwhile on
     * another thread summed its products in other blocks (other last bits) than alone. Work
     * worth both cores at batch 1 is split here instead (ChannelSplit, Linear's features).
     */
    void run(IntConsumer body, int count) {
        if (workers.length == 0 || count <= 1 || !lock.tryLock()) {
            runHere(body, count);
            return;
        }
        if (stopped) {
            lock.unlock();
            runHere(body, count);
            return;
        }
        try {
            int n = Math.min(count, threads());
            task = body;
            shards = n;
            failure = null;
            caller = Thread.currentThread();
            pending.set(n);
            long g = generation + 1;
            claims.set(g << SHARD_BITS);
            generation = g;
            for (int i = 0; i < n - 1; i++) LockSupport.unpark(workers[i]);
            Throwable mine = null;
            long ownFrom = System.nanoTime();
            for (int s; (s = claim(g)) >= 0; pending.decrementAndGet()) {
                try {
                    body.accept(s);
                } catch (Throwable t) {
                    mine = t;
                }
            }
            // Poll as long as this thread's own shards took (at least SPIN_NANOS): the workers' shards
            // are as large, so they end within that unless descheduled. Parking after 200 µs, as
            // before, made the caller of the reference CNN's 32→64 convolution (shards of 3 and 6
            // ms, the worker's ~2-10 % slower on this VM) park in most steps and then take 50-70 µs
            // to wake after the worker had finished: ~120 µs of a 12 ms step.
            long waitFrom = System.nanoTime(), poll = Math.max(SPIN_NANOS, waitFrom - ownFrom);
            while (pending.get() > 0) {
                if (System.nanoTime() - waitFrom < poll) Thread.yield();
                else LockSupport.park(this);
            }
            task = null;
            Throwable t = mine != null ? mine : failure;
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next unclaimed shard of call {@code g}, now this thread's, or -1 when every shard of it
     * is taken (or a later call has begun). Claimed, not assigned: a caller whose worker has not
     * woken yet (descheduled by another process) runs the worker's shard itself instead of
     * waiting a scheduler tick for it. The generation in the claim word keeps a worker that is
     * late from one call from taking a shard of the next with the old count.
     */
    private int claim(long g) {
        while (true) {
            long c = claims.get();
            if (c >>> SHARD_BITS != g) return -1;
            int s = (int) (c & ((1 << SHARD_BITS) - 1));
            if (s >= shards) return -1;
            if (claims.compareAndSet(c, c + 1)) return s;
        }
    }

    private static void runHere(IntConsumer body, int count) {
        for (int s = 0; s < count; s++) body.accept(s);
    }

    /** Stops the workers once the call in flight (if any) is done; later calls run on their caller. */
    void shutdown() {
        lock.lock();
        try {
            stopped = true;
            for (Worker w : workers) LockSupport.unpark(w);
        } finally {
            lock.unlock();
        }
    }

    private final class Worker extends Thread {
        private long seen;

        Worker(int index) {
            super("conv4j-shard-" + index);
            setDaemon(true);
        }

        @Override public void run() {
            long idleFrom = System.nanoTime();
            while (true) {
                long g = generation;
                if (g == seen) {
                    if (stopped) return;   // only once no shard is waiting for this worker
                    if (System.nanoTime() - idleFrom < SPIN_NANOS) Thread.yield();
                    else LockSupport.park(this);
                    continue;
                }
                seen = g;
                for (int s; (s = claim(g)) >= 0; ) {
                    try {
                        task.accept(s);
                    } catch (Throwable t) {
                        failure = t;
                    }
                    if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
                }
                idleFrom = System.nanoTime();
            }
        }
    }
}

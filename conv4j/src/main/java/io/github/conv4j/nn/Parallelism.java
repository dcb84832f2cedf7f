package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;

/**
 * How conv4j uses the cores, process-wide. Two policies, both measured (see the benchmarks):
 * <ul>
 * <li>{@link Mode#BATCH} (default): convolutions split the batch across {@code threads} workers,
 * each lowering its own images and calling a single-threaded GEMM (conv4j's own, or OpenBLAS
 * with one thread), so the two never oversubscribe the cores. im2col/col2im run in parallel too.</li>
 * <li>{@link Mode#BLAS}: one thread lowers, OpenBLAS parallelises each GEMM over {@code threads}
 * (convolutions take the portable im2col + OpenBLAS path: conv4j's own GEMM is single-threaded).</li>
 * </ul>
 * Defaults come from {@code -Dconv4j.threads} (all cores) and {@code -Dconv4j.parallel=batch|blas}.
 */
public final class Parallelism {
    /** How a layer call uses the threads: see the class comment. */
    public enum Mode {
        /** Split the batch over the workers, each with a single-threaded GEMM (the default). */
        BATCH,
        /** One thread lowers; OpenBLAS parallelises each GEMM. */
        BLAS
    }

    private static Mode mode = Mode.valueOf(System.getProperty("conv4j.parallel", "batch").toUpperCase());
    private static ShardPool pool;
    private static int threads;

    static {
        configure(Integer.getInteger("conv4j.threads", Runtime.getRuntime().availableProcessors()), mode);
    }

    private Parallelism() {}

    /**
     * Sets the thread count (≥ 1) and the policy. Safe while models run on other threads: it
     * waits for the layer call in flight; calls that started on the old pool finish on their
     * own threads.
     */
    public static synchronized void configure(int count, Mode m) {
        if (count < 1) throw new IllegalArgumentException("threads must be at least 1, got " + count);
        // First let the call in flight on the old pool finish (and retire its workers), so that
        // no layer runs while the kernels and thread counts below change.
        if (pool != null) pool.shutdown();
        threads = count;
        mode = m;
        Conv4jNative.setNumThreads(m == Mode.BATCH ? 1 : count);
        // conv4j's own convolution GEMM is single-threaded, made for BATCH's one-per-worker use;
        // in BLAS mode the threads are OpenBLAS's, so convolutions take the portable path to it.
        Conv4jNative.setFastKernels(m == Mode.BATCH && Conv4jNative.fastKernelsWanted() ? 1 : 0);
        pool = new ShardPool(m == Mode.BATCH ? count : 1);
    }

    /** The configured thread count. */
    public static synchronized int threads() { return threads; }
    /** The configured policy. */
    public static synchronized Mode mode() { return mode; }

    /** Workers a layer may split a batch over (1 in BLAS mode). */
    static synchronized int shards() { return pool.threads(); }

    static ShardPool pool() {
        synchronized (Parallelism.class) {
            return pool;
        }
    }
}

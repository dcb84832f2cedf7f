package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Picks, per convolution geometry and per product (forward, weight gradient, input gradient),
 * conv4j's AVX2/FMA path or the portable im2col + OpenBLAS one, as cuDNN's benchmark mode does:
 * in {@link Mode#AUTO} it times both paths on one chunk of images and keeps the faster (a tie
 * goes to the fast path, which needs no column matrix), once per key for the process; the forced
 * modes never time anything.
 *
 * <p>Neither path wins everywhere: conv4j's GEMM wins on the small and mid-sized layers of
 * AVX2 machines, while OpenBLAS's wider kernels (AVX-512's SkylakeX sgemm) can win on large
 * ones, and which product wins differs too. Timing is cheap next to training: each product runs
 * {@code 1 + repeats} times per path on one chunk (a few milliseconds per layer), when a layer
 * first sees a batch size (see {@code Conv2d}).
 */
public final class KernelChooser {
    /** The three products of a convolution, each timed and chosen on its own. */
    public enum Product {
        /** y from x and w. */
        FORWARD,
        /** dw and db from x and dy. */
        WEIGHT_GRADIENT,
        /** dx from w and dy. */
        INPUT_GRADIENT
    }

    /** The two implementations of a product. */
    public enum Path {
        /** conv4j's own AVX2/FMA GEMM ({@code C4J_PATH_FAST}). */
        FAST(Conv4jNative.PATH_FAST),
        /** im2col + OpenBLAS sgemm ({@code C4J_PATH_PORTABLE}). */
        PORTABLE(Conv4jNative.PATH_PORTABLE);

        private final int code;

        Path(int code) { this.code = code; }

        /** The value of {@code c4j_conv_geom}'s {@code path_*} field for this path. */
        public int code() { return code; }

        /** "fast" or "portable", as {@code -Dconv4j.kernels} spells them. */
        @Override public String toString() { return name().toLowerCase(); }
    }

    /** How the paths are chosen: {@code -Dconv4j.kernels}. */
    public enum Mode {
        /** Time both paths per product and keep the faster (the default). */
        AUTO,
        /** The fast path for every product wherever it can run. */
        FAST,
        /** The portable path everywhere. */
        PORTABLE;

        /**
         * The mode spelt {@code auto}, {@code fast} or {@code portable}, as {@code -Dconv4j.kernels}.
         *
         * @throws IllegalArgumentException for anything else
         */
        public static Mode of(String kernels) {
            for (Mode m : values()) if (m.name().equalsIgnoreCase(kernels)) return m;
            throw new IllegalArgumentException("kernels must be 'auto', 'fast' or 'portable', not '" + kernels + "'");
        }
    }

    /** Runs one product once on one path: the work being timed. */
    @FunctionalInterface
    public interface Trial {
        /** Computes {@code product} once with {@code path}. */
        void run(Product product, Path path);
    }

    /**
     * The paths of one geometry's three products, with what the timing measured (nanoseconds of
     * the best run per path, -1 when nothing was timed).
     */
    public record Choice(Path forward, Path weightGradient, Path inputGradient, long[] fastNanos, long[] portableNanos) {
        /** The same path for every product, untimed. */
        static Choice all(Path p) { return new Choice(p, p, p, new long[] {-1, -1, -1}, new long[] {-1, -1, -1}); }

        /** The path of one product. */
        public Path path(Product p) {
            return switch (p) {
                case FORWARD -> forward;
                case WEIGHT_GRADIENT -> weightGradient;
                case INPUT_GRADIENT -> inputGradient;
            };
        }

        /** Whether the paths were timed (in {@link Mode#AUTO}) rather than given. */
        public boolean timed() { return fastNanos[0] >= 0; }

        /** "fwd/dW/dX" as paths, e.g. {@code fast/fast/portable}. */
        public String describe() { return forward + "/" + weightGradient + "/" + inputGradient; }

        /** The fast path's best trials in microseconds, "fwd/dW/dX" ("-" untimed). */
        public String fastMicros() { return micros(fastNanos); }

        /** The portable path's best trials in microseconds, "fwd/dW/dX" ("-" untimed). */
        public String portableMicros() { return micros(portableNanos); }

        private static String micros(long[] nanos) {
            return nanos[0] < 0 ? "-" : String.format("%d/%d/%d", nanos[0] / 1000, nanos[1] / 1000, nanos[2] / 1000);
        }
    }

    private static volatile KernelChooser shared;

    private final Mode mode;
    private final LongSupplier clock;
    private final int repeats;
    // Only AUTO's choices are kept (the forced modes cost nothing to answer again), in the order
    // they were made; guarded by this chooser, which also keeps two timings from running at once
    // and slowing each other down.
    private final Map<Object, Choice> cache = new LinkedHashMap<>();

    /**
     * A chooser in {@code mode} timing with {@code clock} (nanoseconds; {@code System::nanoTime}
     * in production, a fake one in tests), keeping the best of {@code repeats} (≥ 1) runs per path
     * after one warm-up run of each.
     */
    public KernelChooser(Mode mode, LongSupplier clock, int repeats) {
        if (repeats < 1) throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        this.mode = mode;
        this.clock = clock;
        this.repeats = repeats;
    }

    /**
     * The process-wide chooser: the mode of {@code -Dconv4j.kernels} (auto by default), the real
     * clock, {@code -Dconv4j.kernels.repeats} (default 2) timed runs per path.
     */
    public static KernelChooser shared() {
        KernelChooser c = shared;
        if (c == null) {
            synchronized (KernelChooser.class) {
                if (shared == null) shared = new KernelChooser(Mode.of(Conv4jNative.kernelsMode()), System::nanoTime,
                        Integer.getInteger("conv4j.kernels.repeats", 2));
                c = shared;
            }
        }
        return c;
    }

    /**
     * Replaces the process-wide chooser by a new one in {@code mode} (its choices start afresh);
     * layers pick it up at their next batch. For benchmarks and tests comparing the modes.
     */
    public static void useMode(Mode mode) {
        use(new KernelChooser(mode, System::nanoTime, Integer.getInteger("conv4j.kernels.repeats", 2)));
    }

    /** Makes {@code chooser} the process-wide one (tests install one with a fake clock). */
    static synchronized void use(KernelChooser chooser) { shared = chooser; }

    /** This chooser's mode. */
    public Mode mode() { return mode; }

    /**
     * The paths for the geometry {@code key} (any value with equals/hashCode, unique per
     * geometry and chunk): portable everywhere when the fast path cannot run ({@code fastPossible}
     * false), the forced mode's path, or in {@link Mode#AUTO} the faster of each product's
     * timings, timed on the first call for a key and then cached. {@code trials} is asked for
     * the work to time only then, and what it gives is closed after if it is {@link AutoCloseable}.
     */
    public Choice choose(Object key, boolean fastPossible, Supplier<? extends Trial> trials) {
        if (!fastPossible || mode == Mode.PORTABLE) return Choice.all(Path.PORTABLE);
        if (mode == Mode.FAST) return Choice.all(Path.FAST);
        synchronized (this) {
            Choice c = cache.get(key);
            if (c == null) {
                Trial trial = trials.get();
                try {
                    c = measure(trial);
                } finally {
                    if (trial instanceof AutoCloseable closeable) close(closeable);
                }
                cache.put(key, c);
            }
            return c;
        }
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of the timed choices so far, by key, in the order they were made (for reports). */
    public synchronized Map<Object, Choice> choices() { return new LinkedHashMap<>(cache); }

    private Choice measure(Trial trial) {
        Product[] products = Product.values();
        Path[] chosen = new Path[products.length];
        long[] fast = new long[products.length], portable = new long[products.length];
        for (Product p : products) {
            // One untimed run each first: page faults on fresh buffers and cold caches would
            // otherwise count against whichever path runs first.
            trial.run(p, Path.FAST);
            trial.run(p, Path.PORTABLE);
            long bestFast = Long.MAX_VALUE, bestPortable = Long.MAX_VALUE;
            for (int i = 0; i < repeats; i++) {   // alternating, so that drifts hit both alike
                bestFast = Math.min(bestFast, time(trial, p, Path.FAST));
                bestPortable = Math.min(bestPortable, time(trial, p, Path.PORTABLE));
            }
            fast[p.ordinal()] = bestFast;
            portable[p.ordinal()] = bestPortable;
            chosen[p.ordinal()] = bestFast <= bestPortable ? Path.FAST : Path.PORTABLE;
        }
        return new Choice(chosen[0], chosen[1], chosen[2], fast, portable);
    }

    private long time(Trial trial, Product p, Path path) {
        long t0 = clock.getAsLong();
        trial.run(p, path);
        return clock.getAsLong() - t0;
    }
}

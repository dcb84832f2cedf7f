package io.github.conv4j.bench;

import io.github.conv4j.binding.Conv4jNative;
import java.util.Arrays;
import java.util.Locale;

/**
 * A layer's share of the sgemm peak measured in pairs: short bursts of the layer's forward+backward
 * and of the 2048³ cblas_sgemm alternate in one JVM, and each pair gives one ratio. On this shared
 * machine the speed of a core drifts by 10–40 % within a minute (the sgemm peak alone read
 * 129–173 GFLOP/s in one day), so a JMH peak measured before a layer compares the layer with the
 * machine as it was a few seconds earlier; a pair's two bursts share the same conditions, and the
 * median over the pairs discards the ones a burst of outside load split.
 *
 * <p>OpenBLAS's threads spin for a while after a threaded sgemm and would take the cores from the
 * layer's workers, so each sgemm burst is followed by a pause before the layer runs.
 */
final class PairedPeak {
    static final int PAIRS = Integer.getInteger("pairs", 11);
    private static final long BURST_NANOS = 400_000_000L, SETTLE_MILLIS = 250;

    /** One shape's paired result: medians and the spread of the ratio over the pairs. */
    record Result(String shape, double layer, double peak, double median, double low, double high) {
        String row() {
            return String.format(Locale.ROOT, "%-28s %12.1f %12.1f %9.0f%% %7.0f–%.0f%%", shape, layer, peak, 100 * median,
                    100 * low, 100 * high);
        }
    }

    private PairedPeak() {}

    static String header() {
        return String.format(Locale.ROOT, "%-28s %12s %12s %10s %10s", "shape N,C,H,W,K,R,S,str,pad", "fwd+bwd", "sgemm",
                "median", "range");
    }

    static Result measure(String shape, int threads, String kernels) throws InterruptedException {
        ConvBenchmark conv = new ConvBenchmark();
        conv.shape = shape;
        conv.threads = threads;
        conv.parallel = "batch";
        conv.kernels = kernels;
        SgemmBenchmark sgemm = new SgemmBenchmark();
        sgemm.n = 2048;
        sgemm.threads = threads;
        conv.setup();   // leaves OpenBLAS at one thread: the layer's workers are the parallelism
        sgemm.setup();
        try {
            double convFlops = 3 * ConvBenchmark.forwardFlops(shape), sgemmFlops = 2.0 * sgemm.n * sgemm.n * sgemm.n;
            double[] layer = new double[PAIRS], peak = new double[PAIRS], ratio = new double[PAIRS];
            burst(sgemm::sgemm, sgemmFlops);   // warm-up of both
            settle();
            burst(conv::forwardBackward, convFlops);
            for (int i = 0; i < PAIRS; i++) {
                Conv4jNative.setNumThreads(threads);
                peak[i] = burst(sgemm::sgemm, sgemmFlops);
                settle();
                layer[i] = burst(conv::forwardBackward, convFlops);
                ratio[i] = layer[i] / peak[i];
            }
            return new Result(shape, median(layer), median(peak), median(ratio), Arrays.stream(ratio).min().orElse(0),
                    Arrays.stream(ratio).max().orElse(0));
        } finally {
            sgemm.tearDown();
            conv.tearDown();
        }
    }

    /** Back to one OpenBLAS thread, then a pause while its other threads stop spinning. */
    private static void settle() throws InterruptedException {
        Conv4jNative.setNumThreads(1);
        Thread.sleep(SETTLE_MILLIS);
    }

    /** GFLOP/s of {@code op} run repeatedly for one burst. */
    private static double burst(Runnable op, double flops) {
        long start = System.nanoTime(), elapsed;
        int count = 0;
        do {
            op.run();
            count++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < BURST_NANOS);
        return flops * count / elapsed;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}

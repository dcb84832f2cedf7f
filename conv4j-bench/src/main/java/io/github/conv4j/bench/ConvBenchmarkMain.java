package io.github.conv4j.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the conv and sgemm JMH benchmarks for the given thread counts and prints GFLOP/s per
 * shape next to the sgemm peak of the same run. Arguments: thread counts (default "1 2");
 * {@code -Dparallel=blas} measures the threaded-GEMM policy instead of batch splitting;
 * {@code -Dkernels=portable} the portable kernels (plain C + OpenBLAS) instead of the AVX2/FMA ones;
 * {@code -Dshapes=N,C,H,W,K,R,S,str,pad;...} measures those shapes only.
 *
 * <p>Each shape is measured right beside its own sgemm run: on a shared machine the peak drifts
 * by 10–20 % over the minutes a whole suite takes, so one peak for all shapes would compare
 * layers with a peak measured under other load. The table gives both that peak and the share.
 * A second table (fast kernels, batch policy; {@code -Dpaired=false} skips it) measures the
 * share in alternating pairs of short bursts instead, {@link PairedPeak}: the median of
 * {@code -Dpairs} (11) ratios, each taken under one set of conditions.
 */
public final class ConvBenchmarkMain {
    public static void main(String[] args) throws RunnerException, InterruptedException {
        String[] threads = args.length > 0 ? args : new String[] {"1", "2"};
        String kernels = System.getProperty("kernels", "fast");
        String[] shapes = System.getProperty("shapes", String.join(";", ConvBenchmark.SHAPES)).split(";");
        for (String t : threads) {
            List<String> rows = new ArrayList<>();
            double lowest = Double.MAX_VALUE, highest = 0;
            for (String shape : shapes) {
                Options opt = new OptionsBuilder()
                        .include(ConvBenchmark.class.getName()).include(SgemmBenchmark.class.getName())
                        .param("shape", shape).param("threads", t).param("parallel", System.getProperty("parallel", "batch"))
                        .param("kernels", kernels).forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1))
                        .measurementIterations(3).measurementTime(TimeValue.seconds(2))
                        .jvmArgsAppend("-Xmx4g").build();
                Collection<RunResult> results = new Runner(opt).run();
                double peak = 0, fwd = 0, both = 0, flops = ConvBenchmark.forwardFlops(shape);
                for (RunResult r : results) {
                    String name = r.getParams().getBenchmark();
                    double ms = r.getPrimaryResult().getScore();
                    if (name.endsWith("sgemm")) {
                        double n = Double.parseDouble(r.getParams().getParam("n"));
                        peak = 2 * n * n * n / (ms * 1e6);
                    } else if (name.endsWith("forwardBackward")) both = 3 * flops / (ms * 1e6);
                    else fwd = flops / (ms * 1e6);
                }
                lowest = Math.min(lowest, peak);
                highest = Math.max(highest, peak);
                rows.add(String.format("%-28s %14.1f %9.0f%% %18.1f %9.0f%% %12.1f", shape, fwd, 100 * fwd / peak, both,
                        100 * both / peak, peak));
            }
            System.out.printf("%n== %s thread(s), %s kernels: cblas_sgemm 2048³ peak %.1f–%.1f GFLOP/s over the run%n", t,
                    kernels, lowest, highest);
            System.out.printf("%-28s %14s %10s %18s %10s %12s%n", "shape N,C,H,W,K,R,S,str,pad", "fwd GFLOP/s", "of peak",
                    "fwd+bwd GFLOP/s", "of peak", "its peak");
            rows.forEach(System.out::println);
            if (Boolean.parseBoolean(System.getProperty("paired", "true")) && System.getProperty("parallel", "batch").equals("batch")) {
                System.out.printf("%n== %s thread(s), %s kernels, fwd+bwd against sgemm 2048³ in %d alternating pairs"
                        + " (GFLOP/s medians; share: median and range of the pairs' ratios)%n", t, kernels, PairedPeak.PAIRS);
                System.out.println(PairedPeak.header());
                for (String shape : shapes)
                    System.out.println(PairedPeak.measure(shape, Integer.parseInt(t), kernels).row());
            }
        }
    }
}

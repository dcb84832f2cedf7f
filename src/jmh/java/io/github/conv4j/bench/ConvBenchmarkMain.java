package io.github.conv4j.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the conv and sgemm JMH benchmarks for the given thread counts and prints GFLOP/s per
 * shape next to the sgemm peak of the same run. Arguments: thread counts (default "1 2");
 * {@code -Dparallel=blas} measures the threaded-GEMM policy instead of batch splitting;
 * {@code -Dkernels=portable} the portable kernels (plain C + OpenBLAS) instead of the AVX2/FMA ones.
 */
public final class ConvBenchmarkMain {
    public static void main(String[] args) throws Exception {
        String[] threads = args.length > 0 ? args : new String[] {"1", "2"};
        for (String t : threads) {
            Options opt = new OptionsBuilder()
                    .include(ConvBenchmark.class.getName()).include(SgemmBenchmark.class.getName())
                    .param("threads", t).param("parallel", System.getProperty("parallel", "batch")).param("kernels", System.getProperty("kernels", "fast")).forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(2))
                    .jvmArgsAppend("-Xmx4g").build();
            Collection<RunResult> results = new Runner(opt).run();
            double peak = 0;
            for (RunResult r : results)
                if (r.getParams().getBenchmark().endsWith("sgemm")) {
                    double n = Double.parseDouble(r.getParams().getParam("n"));
                    peak = 2 * n * n * n / (r.getPrimaryResult().getScore() * 1e6);
                }
            System.out.printf("%n== %s thread(s), %s kernels: cblas_sgemm 2048³ peak %.1f GFLOP/s%n", t,
                    System.getProperty("kernels", "fast"), peak);
            System.out.printf("%-28s %14s %10s %18s %10s%n", "shape N,C,H,W,K,R,S,str,pad", "fwd GFLOP/s", "of peak", "fwd+bwd GFLOP/s", "of peak");
            for (String shape : ConvBenchmark.SHAPES) {
                double fwd = 0, both = 0, flops = ConvBenchmark.forwardFlops(shape);
                for (RunResult r : results) {
                    if (!shape.equals(r.getParams().getParam("shape"))) continue;
                    double ms = r.getPrimaryResult().getScore();
                    if (r.getParams().getBenchmark().endsWith("forwardBackward")) both = 3 * flops / (ms * 1e6);
                    else fwd = flops / (ms * 1e6);
                }
                System.out.printf("%-28s %14.1f %9.0f%% %18.1f %9.0f%%%n", shape, fwd, 100 * fwd / peak, both, 100 * both / peak);
            }
        }
    }
}

package io.github.conv4j.cli;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.KernelChooser;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.optim.Sgd;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.zoo.Zoo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The training benchmark: the reference CNN's training and inference throughput and batch-1
 * latency on synthetic data, next to the sgemm peak of the same run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Training/inference throughput, latency and the sgemm peak.")
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--model", defaultValue = "reference", description = "reference or lenet5 (default: ${DEFAULT-VALUE}).") String model;
    @Option(names = "--parallel", defaultValue = "batch",
            description = "batch (split batches over cores, single-threaded GEMM) or blas (multi-threaded GEMM) (default: ${DEFAULT-VALUE}).")
    String parallel;
    @Option(names = "--threads", defaultValue = "0", description = "Threads, 0 = all cores (default: ${DEFAULT-VALUE}).") int threads;
    @Option(names = "--batch", defaultValue = "64", description = "Images per training step (default: ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--infer-batch", paramLabel = "N", description = "Images per inference forward pass (default: the --batch value).")
    Integer inferBatch;
    @Option(names = "--steps", defaultValue = "200", description = "Timed training steps (default: ${DEFAULT-VALUE}).") int steps;
    @Option(names = "--report", description = "Write a JSON summary here (default: none).") Path report;

    @Override public Integer call() throws Exception {
        Flags.notNegative(spec, "--threads", threads);
        Flags.positive(spec, "--batch", batch);
        Flags.positive(spec, "--steps", steps);
        if (inferBatch != null) Flags.positive(spec, "--infer-batch", inferBatch);
        int inference = inferBatch != null ? inferBatch : batch;
        int nThreads = Common.threads(threads, parallel);
        Zoo.Architecture arch = Zoo.byName(model);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", "bench");
        r.put("model", arch.name());
        r.put("threads", nThreads);
        r.put("batch", batch);
        r.put("inference_batch", inference);
        double peak = sgemmPeak(2048, nThreads);
        Common.threads(nThreads, parallel);
        r.put("sgemm_2048_gflops", peak);
        String kernels = Conv4jNative.fastKernels() == 0 ? "portable (C + OpenBLAS)"
                : KernelChooser.shared().mode() == KernelChooser.Mode.AUTO ? "auto (per layer and product, timed; see below)"
                : Conv4jNative.avx512Kernels() == 1 ? "fast (AVX-512)" : "fast (AVX2/FMA)";
        r.put("kernels", kernels);
        System.out.printf("sgemm 2048³: %.1f GFLOP/s (%d threads); conv4j kernels: %s%n", peak, nThreads, kernels);
        SplittableRandom rng = new SplittableRandom(1);
        try (Sequential net = new Sequential(arch.input(), 42, arch.layers());
             Sgd sgd = new SgdConfig().learningRate(0.01).momentum(0.9).create(net);
             SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
             Tensor x = random(arch.input().prependBatch(batch), rng);
             IntTensor labels = new IntTensor(batch)) {
            int classes = net.sampleOutput().dim(0);
            for (int i = 0; i < batch; i++) labels.set(i, rng.nextInt(classes));
            Runnable step = () -> {
                net.zeroGrad();
                loss.forward(net.forward(x), labels);
                net.backward(loss.gradient());
                sgd.step();
            };
            for (int i = 0; i < 20; i++) step.run();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) step.run();
            double trainIps = (double) steps * batch / ((System.nanoTime() - t0) / 1e9);
            double flops = 3.0 * net.summary().flops() * trainIps / 1e9;
            r.put("train_images_per_second", trainIps);
            r.put("train_gflops", flops);
            System.out.printf("training: %,.0f images/s (batch %d), %.1f GFLOP/s = %.0f%% of the sgemm peak%n", trainIps, batch, flops,
                    100 * flops / peak);

            net.train(false);
            try (Tensor xb = random(arch.input().prependBatch(inference), rng); Tensor x1 = random(arch.input().prependBatch(1), rng)) {
                for (int i = 0; i < 5; i++) net.forward(xb);
                int reps = 20;
                t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) net.forward(xb);
                double inferIps = (double) reps * inference / ((System.nanoTime() - t0) / 1e9);
                r.put("inference_images_per_second", inferIps);
                System.out.printf("inference: %,.0f images/s (batch %d)%n", inferIps, inference);
                double[] lat = new double[500];
                for (int i = 0; i < 50; i++) net.forward(x1);
                for (int i = 0; i < lat.length; i++) {
                    long s = System.nanoTime();
                    net.forward(x1);
                    lat[i] = (System.nanoTime() - s) / 1e6;
                }
                Arrays.sort(lat);
                r.put("latency_ms_batch1_median", lat[lat.length / 2]);
                r.put("latency_ms_batch1_p99", lat[(int) (lat.length * 0.99)]);
                System.out.printf("batch-1 latency: median %.3f ms, p99 %.3f ms%n", lat[lat.length / 2], lat[(int) (lat.length * 0.99)]);
            }
        }
        r.put("conv_kernels", ConvKernelsReport.print());   // after inference too: batch 1 has chunks of its own
        r.put("peak_rss_mb", Common.peakRssMb());
        System.out.printf("peak RSS: %d MB%n", Common.peakRssMb());
        Reports.write(report, r);
        return 0;
    }

    private static Tensor random(Shape s, SplittableRandom rng) {
        float[] v = new float[(int) s.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return Tensor.of(v, s.dims());
    }

    /** GFLOP/s of an n³ cblas_sgemm with all threads, on off-heap memory: the ceiling for our GEMMs. */
    static double sgemmPeak(int n, int threads) {
        Conv4jNative.setNumThreads(threads);
        try (Tensor a = Tensor.zeros(n, n); Tensor b = Tensor.zeros(n, n); Tensor c = Tensor.zeros(n, n)) {
            a.fill(0.5f);
            b.fill(0.25f);
            Conv4jNative.sgemm(0, 0, n, n, n, 1f, a.pointer(), n, b.pointer(), n, 0f, c.pointer(), n);
            int reps = 5;
            double best = 0;
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                Conv4jNative.sgemm(0, 0, n, n, n, 1f, a.pointer(), n, b.pointer(), n, 0f, c.pointer(), n);
                best = Math.max(best, 2.0 * n * n * n / (System.nanoTime() - t0));
            }
            return best;
        }
    }
}

package io.github.conv4j.cli;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.BatchNormFolding;
import io.github.conv4j.nn.Model;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The training benchmark: a zoo model's training and inference throughput and batch-1 latency on
 * synthetic data, next to the sgemm peak of the same run. Any model of the zoo, chains and graphs
 * alike (reference, alexnet, resnet20, resnet18, …), at the input and classes it was designed for.
 * A model with batch normalisations after its convolutions is also timed
 * {@linkplain BatchNormFolding folded}, as {@code Classifier.load} runs it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Training/inference throughput, latency and the sgemm peak.")
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--model", defaultValue = "reference",
            description = "Any zoo model at its designed input: reference, lenet5 (1×28×28), resnet20 (3×32×32), alexnet, vgg16, resnet18, "
                    + "mobilenetv2 (3×224×224) (default: ${DEFAULT-VALUE}).") String model;
    @Mixin ThreadOptions threading;
    @Option(names = "--batch", defaultValue = "64", description = "Images per training step (default: ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--infer-batch", paramLabel = "N", description = "Images per inference forward pass (default: the --batch value).")
    Integer inferBatch;
    @Option(names = "--steps", defaultValue = "200", description = "Timed training steps (default: ${DEFAULT-VALUE}).") int steps;
    @Option(names = "--warmup", defaultValue = "20", description = "Untimed training steps first (default: ${DEFAULT-VALUE}).") int warmup;
    @Option(names = "--layers", description = "Also time each layer's forward and backward on its own, at the training batch (where the time goes).")
    boolean layers;
    @Option(names = "--report", description = "Write a JSON summary here (default: none).") Path report;

    /** Inference passes: at most this many, and no more once this many seconds are spent (at least 3). */
    static final int INFERENCE_PASSES = 20, LATENCY_CALLS = 500;
    static final double INFERENCE_SECONDS = 3, LATENCY_SECONDS = 5;

    @Override public Integer call() throws Exception {
        threading.check(spec);
        Flags.positive(spec, "--batch", batch);
        Flags.positive(spec, "--steps", steps);
        Flags.notNegative(spec, "--warmup", warmup);
        if (inferBatch != null) Flags.positive(spec, "--infer-batch", inferBatch);
        int inference = inferBatch != null ? inferBatch : batch;
        int nThreads = threading.configure();
        String name = Zoo.canonicalName(model);
        Shape input = Zoo.naturalInput(name);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", "bench");
        r.put("model", name);
        r.put("input", input.toString());
        r.put("threads", nThreads);
        r.put("batch", batch);
        r.put("inference_batch", inference);
        double peak = sgemmPeak(2048, nThreads);
        Common.threads(nThreads, threading.parallel);
        r.put("sgemm_2048_gflops", peak);
        String kernels = ConvKernelsReport.mode();
        r.put("kernels", kernels);
        System.out.printf("sgemm 2048³: %.1f GFLOP/s (%d threads); conv4j kernels: %s%n", peak, nThreads, kernels);
        SplittableRandom rng = new SplittableRandom(1);
        try (Model net = Zoo.create(name, input, Zoo.naturalClasses(name), 42);
             Sgd sgd = new SgdConfig().learningRate(0.01).momentum(0.9).create(net);
             SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
             Tensor x = random(input.prependBatch(batch), rng);
             IntTensor labels = new IntTensor(batch)) {
            int classes = net.sampleOutput().dim(0);
            for (int i = 0; i < batch; i++) labels.set(i, rng.nextInt(classes));
            double gflopPerImage = net.summary().flops() / 1e9;
            r.put("gflop_per_image_forward", gflopPerImage);
            System.out.printf("%s, input %s, %,d parameters, %.3f GFLOP per image forward%n", name, input, net.parameterCount(), gflopPerImage);
            Runnable step = () -> {
                net.zeroGrad();
                loss.forward(net.forward(x), labels);
                net.backward(loss.gradient());
                sgd.step();
            };
            for (int i = 0; i < warmup; i++) step.run();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) step.run();
            double trainIps = (double) steps * batch / ((System.nanoTime() - t0) / 1e9);
            double flops = 3.0 * gflopPerImage * trainIps;   // backward ≈ twice the forward's multiply-adds
            r.put("train_images_per_second", trainIps);
            r.put("train_peak_rss_mb", Common.peakRssMb());   // up to here: building and training alone
            r.put("train_gflops", flops);
            r.put("train_share_of_peak", flops / peak);
            System.out.printf("training: %,.1f images/s (batch %d), %.1f GFLOP/s = %.0f%% of the sgemm peak%n", trainIps, batch, flops,
                    100 * flops / peak);
            if (layers) r.put("layers", LayerProfile.print(net, batch, rng));

            net.train(false);
            inference(net, "", input, inference, gflopPerImage, peak, r, rng);
            if (BatchNormFolding.foldable(net) > 0) {
                System.out.printf("with the %d batch normalisations folded into their convolutions:%n", BatchNormFolding.foldable(net));
                // the trained model is not run again: free its activations, gradient buffers and
                // scratch before its folded copy allocates its own, as a program deploying the copy would
                net.releaseBuffers();
                try (Model folded = BatchNormFolding.fold(net)) {
                    inference(folded, "folded_", input, inference, gflopPerImage, peak, r, rng);
                }
            }
        }
        r.put("conv_kernels", ConvKernelsReport.print());   // after inference too: batch 1 has chunks of its own
        r.put("peak_rss_mb", Common.peakRssMb());
        System.out.printf("peak RSS: %d MB (%d MB up to the end of training)%n", Common.peakRssMb(), (Long) r.get("train_peak_rss_mb"));
        Reports.write(report, r);
        return 0;
    }

    /** Times {@code net}'s inference at {@code batch} and its batch-1 latency; reports under keys with {@code prefix}. */
    private static void inference(Model net, String prefix, Shape input, int batch, double gflopPerImage, double peak, Map<String, Object> r,
                                  SplittableRandom rng) {
        try (Tensor xb = random(input.prependBatch(batch), rng); Tensor x1 = random(input.prependBatch(1), rng)) {
            double[] passes = timeCalls(() -> net.forward(xb), 5, INFERENCE_PASSES, INFERENCE_SECONDS);
            double ms = 0;
            for (double p : passes) ms += p;
            double inferIps = passes.length * batch / (ms / 1e3);
            r.put("inference_" + prefix + "images_per_second", inferIps);
            r.put("inference_" + prefix + "share_of_peak", gflopPerImage * inferIps / peak);
            System.out.printf("inference: %,.1f images/s (batch %d), %.0f%% of the sgemm peak%n", inferIps, batch, 100 * gflopPerImage * inferIps / peak);
            double[] lat = timeCalls(() -> net.forward(x1), 50, LATENCY_CALLS, LATENCY_SECONDS);
            Arrays.sort(lat);
            double median = lat[lat.length / 2], p99 = lat[(int) (lat.length * 0.99)];
            r.put("latency_ms_batch1_" + prefix + "median", median);
            r.put("latency_ms_batch1_" + prefix + "p99", p99);
            System.out.printf("batch-1 latency: median %.3f ms, p99 %.3f ms (%d calls)%n", median, p99, lat.length);
        }
    }

    /**
     * Milliseconds of each call of {@code call} after {@code warmup} untimed ones (those also
     * stop after the time budget): at most {@code max} calls, fewer when {@code budgetSeconds}
     * run out first, at least 3. {@code scripts/bench_pytorch.py} times PyTorch by the same rule.
     */
    static double[] timeCalls(Runnable call, int warmup, int max, double budgetSeconds) {
        long budget = (long) (budgetSeconds * 1e9), start = System.nanoTime();
        for (int i = 0; i < warmup && System.nanoTime() - start < budget / 5; i++) call.run();
        double[] ms = new double[max];
        int n = 0;
        start = System.nanoTime();
        while (n < max && (n < 3 || System.nanoTime() - start < budget)) {
            long s = System.nanoTime();
            call.run();
            ms[n++] = (System.nanoTime() - s) / 1e6;
        }
        return Arrays.copyOf(ms, n);
    }

    /** A tensor of standard normal values: the synthetic data of every benchmark. */
    static Tensor random(Shape s, SplittableRandom rng) {
        // Tensor.fill draws through a small array: one of the whole batch (AlexNet's inference batch
        // of 64: 38.5 MB) would stay resident in the Java heap and count in the peak RSS reported
        Tensor t = Tensor.zeros(s);
        t.fill(rng::nextGaussian);
        return t;
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

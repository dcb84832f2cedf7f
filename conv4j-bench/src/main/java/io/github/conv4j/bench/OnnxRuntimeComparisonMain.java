package io.github.conv4j.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.Parallelism;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.onnx.OnnxExporter;
import io.github.conv4j.onnx.OnnxImporter;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.zoo.ResNet;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * conv4j's inference against ONNX Runtime Java's on one ONNX file, the engine a Java user would
 * otherwise pick: batch-1 latency (median and p99 of single calls) and batch-32 throughput (from
 * the median batch), one engine per process so that neither warms or pollutes the other's
 * caches and thread pools. {@code scripts/bench-vs-onnxruntime.sh} runs it three times per
 * engine and prints the medians.
 *
 * <pre>
 * OnnxRuntimeComparisonMain export FILE              ResNet-18 of the zoo, random weights, to FILE
 * OnnxRuntimeComparisonMain conv4j FILE THREADS      conv4j's import of FILE (-Dconv4j.parallel=batch|blas)
 * OnnxRuntimeComparisonMain onnxruntime FILE THREADS ONNX Runtime: intra-op THREADS, inter-op 1, optimisation ALL
 * OnnxRuntimeComparisonMain peak THREADS             the 2048³ sgemm of each: OpenBLAS's (conv4j's) and ONNX Runtime's Gemm
 * </pre>
 *
 * <p>Each timing prints one JSON line. Both engines are timed from a prepared input tensor to the
 * output copied into a Java array, so that each pays for handing its result to Java.
 */
public final class OnnxRuntimeComparisonMain {
    private static final int LATENCY_WARMUP = 10;
    private static final int LATENCY_RUNS = 100;
    private static final int THROUGHPUT_BATCH = 32;
    private static final int THROUGHPUT_WARMUP = 2;
    private static final int THROUGHPUT_RUNS = 7;
    private static final int PEAK_SIZE = 2048;

    private OnnxRuntimeComparisonMain() {}

    /** One engine's inference of a batch: input values of shape [batch, sample...] in, outputs out. */
    private interface Engine extends AutoCloseable {
        /** Prepares an input of {@code batch} samples of {@code values}; returns the call to time. */
        Call prepare(float[] values, int batch) throws Exception;
    }

    /** One timed inference; returns the outputs, copied to the Java heap. */
    @FunctionalInterface
    private interface Call {
        float[] run() throws Exception;
    }

    /** Runs the command of {@code args} (see the class comment). */
    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("export")) {
            export(Path.of(args[1]));
            return;
        }
        if (args.length == 2 && args[0].equals("peak")) {
            peak(Integer.parseInt(args[1]));
            return;
        }
        if (args.length != 3 || !(args[0].equals("conv4j") || args[0].equals("onnxruntime"))) {
            System.err.println("usage: OnnxRuntimeComparisonMain export FILE | conv4j FILE THREADS | onnxruntime FILE THREADS"
                    + " | peak THREADS");
            System.exit(2);
        }
        Path file = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        try (Engine engine = args[0].equals("conv4j") ? conv4j(file, threads) : onnxRuntime(file, threads, ResNet.INPUT)) {
            Shape sample = ResNet.INPUT;
            double[] latency = times(engine.prepare(random(sample.size()), 1), LATENCY_WARMUP, LATENCY_RUNS);
            double[] batch = times(engine.prepare(random(THROUGHPUT_BATCH * sample.size()), THROUGHPUT_BATCH),
                    THROUGHPUT_WARMUP, THROUGHPUT_RUNS);
            String engineName = args[0].equals("conv4j") ? "conv4j " + Parallelism.mode().name().toLowerCase(Locale.ROOT)
                    : "onnxruntime";
            System.out.printf(Locale.ROOT, "{\"engine\": \"%s\", \"threads\": %d, \"latency_ms_median\": %.3f, "
                    + "\"latency_ms_p99\": %.3f, \"batch32_ms_median\": %.1f, \"batch32_images_per_second\": %.2f}%n",
                    engineName, threads, percentile(latency, 50), percentile(latency, 99), percentile(batch, 50),
                    THROUGHPUT_BATCH * 1000.0 / percentile(batch, 50));
        }
    }

    /** ResNet-18 for 1000 classes, its weights as the zoo initialises them (seed 42), as one ONNX file. */
    private static void export(Path file) throws Exception {
        try (Graph model = ResNet.resnet18(1000).build(42L)) {
            OnnxExporter.export(model.train(false), file);
        }
        System.err.println("exported ResNet-18 to " + file);
    }

    /**
     * The GEMM peak each engine's convolutions are bounded by, in the same process: a 2048³
     * cblas_sgemm of the OpenBLAS conv4j links, and ONNX Runtime's Gemm of the same size (a
     * bias-free Linear exported by conv4j, run on a batch of 2048), GFLOP/s of the median of 7.
     */
    private static void peak(int threads) throws Exception {
        int n = PEAK_SIZE;
        double flops = 2.0 * n * n * n;
        Conv4jNative.setNumThreads(threads);
        double openBlas;
        try (Tensor a = Tensor.of(random((long) n * n), n, n); Tensor b = Tensor.of(random((long) n * n), n, n);
                Tensor c = Tensor.zeros(n, n)) {
            openBlas = flops / 1e6 / percentile(times(() -> {
                Conv4jNative.sgemm(0, 0, n, n, n, 1f, a.pointer(), n, b.pointer(), n, 0f, c.pointer(), n);
                return null;
            }, 2, 7), 50);
        }
        Path file = Files.createTempFile("conv4j-gemm", ".onnx");
        double onnxRuntimeGemm;
        try (Sequential gemm = new Sequential(Shape.of(n), new Linear(n, n).bias(false))) {
            OnnxExporter.export(gemm, file);
            try (Engine engine = onnxRuntime(file, threads, Shape.of(n))) {
                onnxRuntimeGemm = flops / 1e6 / percentile(times(engine.prepare(random((long) n * n), n), 2, 7), 50);
            }
        } finally {
            Files.delete(file);
        }
        System.out.printf(Locale.ROOT, "{\"engine\": \"sgemm 2048\", \"threads\": %d, \"openblas_gflops\": %.1f, "
                + "\"onnxruntime_gflops\": %.1f}%n", threads, openBlas, onnxRuntimeGemm);
    }

    private static Engine conv4j(Path file, int threads) throws Exception {
        Parallelism.configure(threads, Parallelism.mode());
        Graph model = OnnxImporter.importGraph(file);
        return new Engine() {
            private final List<Tensor> inputs = new ArrayList<>();

            @Override public Call prepare(float[] values, int batch) {
                Tensor x = Tensor.of(values, model.sampleInput().prependBatch(batch).dims());
                inputs.add(x);
                return () -> model.forward(x).toArray();
            }

            @Override public void close() {
                inputs.forEach(Tensor::close);
                model.close();
            }
        };
    }

    private static Engine onnxRuntime(Path file, int threads, Shape sample) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        OrtSession session = environment.createSession(file.toString(), options);
        String input = session.getInputNames().iterator().next();
        return new Engine() {
            private ai.onnxruntime.OnnxTensor last;

            @Override public Call prepare(float[] values, int batch) throws OrtException {
                long[] dims = Arrays.stream(sample.prependBatch(batch).dims()).asLongStream().toArray();
                if (last != null) last.close();
                ai.onnxruntime.OnnxTensor x = ai.onnxruntime.OnnxTensor.createTensor(environment, FloatBuffer.wrap(values), dims);
                last = x;
                return () -> {
                    try (OrtSession.Result result = session.run(Map.of(input, x))) {
                        FloatBuffer y = ((ai.onnxruntime.OnnxTensor) result.get(0)).getFloatBuffer();
                        float[] out = new float[y.remaining()];
                        y.get(out);
                        return out;
                    }
                };
            }

            @Override public void close() throws OrtException {
                if (last != null) last.close();
                session.close();
                options.close();
            }
        };
    }

    /** Milliseconds of each of {@code runs} calls after {@code warmup} untimed ones, sorted. */
    private static double[] times(Call call, int warmup, int runs) throws Exception {
        for (int i = 0; i < warmup; i++) call.run();
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long begin = System.nanoTime();
            call.run();
            ms[i] = (System.nanoTime() - begin) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    /** The nearest-rank percentile of sorted values (p99 of 100 runs: the 99th). */
    private static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static float[] random(long size) {
        SplittableRandom random = new SplittableRandom(1);
        float[] values = new float[Math.toIntExact(size)];
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
        return values;
    }
}

package io.github.conv4j.bench;

import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.Parallelism;
import io.github.conv4j.onnx.OnnxImporter;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where conv4j's inference time goes: each node of an imported ONNX graph timed alone (a graph of
 * that one layer or merge on its input shape), summed by kind (Conv2d by kernel size, BatchNorm2d,
 * ReLU, Add, ...), beside the whole graph's forward. Alone, a node pays for its own pass over
 * memory even where the whole graph would fuse it into the convolution before it (a ReLU), so the
 * sum can exceed the whole. Usage: {@code InferenceBreakdownMain FILE THREADS BATCH}
 * ({@code -Dconv4j.parallel=batch|blas}); medians of 5 calls after 2, in milliseconds.
 */
public final class InferenceBreakdownMain {
    private static final int WARMUP = 2;
    private static final int RUNS = 5;

    private InferenceBreakdownMain() {}

    /** Prints one line per kind of node, then the sum and the whole graph's forward. */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: InferenceBreakdownMain FILE THREADS BATCH");
            System.exit(2);
        }
        int batch = Integer.parseInt(args[2]);
        Parallelism.configure(Integer.parseInt(args[1]), Parallelism.mode());
        Map<String, double[]> kinds = new TreeMap<>();
        double whole;
        try (Graph model = OnnxImporter.importGraph(Path.of(args[0]))) {
            whole = time(model, batch);
            for (Node node : model.nodes()) {
                if (node.isInput()) continue;
                double ms = timeAlone(node, batch);
                double[] kind = kinds.computeIfAbsent(kind(node), k -> new double[2]);
                kind[0] += ms;
                kind[1]++;
            }
        }
        double sum = kinds.values().stream().mapToDouble(k -> k[0]).sum();
        System.out.printf(Locale.ROOT, "conv4j %s, %s threads, batch %d: node kinds timed alone, ms (share of their sum)%n",
                Parallelism.mode().name().toLowerCase(Locale.ROOT), args[1], batch);
        kinds.forEach((kind, k) -> System.out.printf(Locale.ROOT, "  %-22s %3d nodes %9.2f ms %5.1f %%%n", kind, (int) k[1],
                k[0], 100 * k[0] / sum));
        System.out.printf(Locale.ROOT, "  sum of the nodes alone %14.2f ms; the whole graph's forward %.2f ms%n", sum, whole);
    }

    /** Conv2d by kernel (the stem's 7×7, the blocks' 3×3, the shortcuts' 1×1), other layers by type. */
    private static String kind(Node node) {
        String type = node.spec().split(" ")[0];
        if (!type.equals("Conv2d")) return type;
        String kernel = Arrays.stream(node.spec().split(" ")).filter(w -> w.startsWith("kernel=")).findFirst()
                .map(w -> w.substring("kernel=".length()).replace(',', 'x')).orElse("?");
        return "Conv2d " + kernel;
    }

    /** The node's layer or merge alone, on its input's shape (a merge reads that input as each operand). */
    private static double timeAlone(Node node, int batch) {
        Shape input = node.inputs().get(0).sampleOutput();
        GraphBuilder b = new GraphBuilder(input);
        Node out = node.layer().isPresent() ? b.add("node", node.layer().get(), b.input())
                : b.add("node", node.merge().orElseThrow(), Collections.nCopies(node.inputs().size(), b.input()));
        try (Graph alone = b.buildForInference(out, 1L)) {
            return time(alone, batch);
        }
    }

    /** The median forward in milliseconds. */
    private static double time(Graph graph, int batch) {
        float[] values = new float[Math.toIntExact(batch * graph.sampleInput().size())];
        for (int i = 0; i < values.length; i++) values[i] = (float) Math.sin(i);
        try (Tensor x = Tensor.of(values, graph.sampleInput().prependBatch(batch).dims())) {
            for (int i = 0; i < WARMUP; i++) graph.forward(x);
            double[] ms = new double[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long begin = System.nanoTime();
                graph.forward(x);
                ms[i] = (System.nanoTime() - begin) / 1e6;
            }
            Arrays.sort(ms);
            return ms[RUNS / 2];
        }
    }
}

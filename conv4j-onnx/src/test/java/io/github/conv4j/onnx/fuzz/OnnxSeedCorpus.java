package io.github.conv4j.onnx.fuzz;

import io.github.conv4j.nn.Add;
import io.github.conv4j.nn.AvgPool2d;
import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.Concat;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.HardSwish;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.Mul;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.ReLU6;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.nn.Sigmoid;
import io.github.conv4j.nn.Softmax;
import io.github.conv4j.onnx.OnnxExporter;
import io.github.conv4j.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the seed corpus of {@link OnnxImporterFuzzTest} from conv4j's own exporter: a chain and
 * a graph of every kind of node (run once by hand from the repository's root; the output is
 * checked in), and for each target a truncated and a corrupted copy so that the replay in CI
 * passes the refusal paths too.
 */
public final class OnnxSeedCorpus {
    private OnnxSeedCorpus() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of("conv4j-onnx/src/test/resources/io/github/conv4j/onnx/fuzz/OnnxImporterFuzzTestInputs");
        byte[] chain = exported(chain());
        byte[] graph = exported(graph());
        for (String target : List.of("importGraph", "importModel")) {
            Path dir = root.resolve(target);
            write(dir.resolve("chain"), chain);
            write(dir.resolve("graph"), graph);
            write(dir.resolve("chain-truncated"), Arrays.copyOf(chain, chain.length / 2));
            byte[] corrupted = chain.clone();
            // A byte in the middle of the weights' tag and length fields.
            corrupted[corrupted.length / 3] ^= 0x5A;
            write(dir.resolve("chain-corrupted"), corrupted);
        }
    }

    /** Conv, BatchNorm, ReLU6, MaxPool, AveragePool, Flatten, Gemm, Softmax on 1×6×6. */
    private static Sequential chain() {
        return new Sequential(Shape.of(1, 6, 6), 1, List.of(new Conv2d(1, 2, 3).padding(1), new BatchNorm2d(2),
                new ReLU6(), new MaxPool2d(2), new AvgPool2d(3).stride(1).padding(1), new Flatten(), new Linear(18, 3),
                new Softmax()));
    }

    /** Fan-out, a residual Add, a sigmoid gate's Mul, a Concat and HardSwish on 2×4×4. */
    private static Graph graph() {
        GraphBuilder b = new GraphBuilder(Shape.of(2, 4, 4));
        Node conv = b.add("conv", new Conv2d(2, 2, 3).padding(1), b.input());
        Node relu = b.add("relu", new ReLU(), conv);
        Node sum = b.add("add", new Add(), relu, b.input());
        Node gate = b.add("gate", new Sigmoid(), b.add("squeeze", new Conv2d(2, 2, 1),
                b.add("pool", new GlobalAvgPool2d(), sum)));
        Node cat = b.add("cat", new Concat(), b.add("mul", new Mul(), sum, gate), b.add("hswish", new HardSwish(), conv));
        return b.build(b.add("fc", new Linear(64, 3), b.add("flatten", new Flatten(), cat)), 1);
    }

    private static byte[] exported(Model model) throws Exception {
        Path file = Files.createTempFile("seed", ".onnx");
        try (model) {
            OnnxExporter.export(model, file);
            return Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void write(Path file, byte[] bytes) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}

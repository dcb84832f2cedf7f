package io.github.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.Npy;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.Model;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.zoo.Zoo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code conv4j infer}: a conv4j model's and a PyTorch export's raw outputs for an NPY batch, and bad inputs refused. */
class InferCommandTest {
    /** The shared folder's PyTorch exports with their inputs and outputs; tests run in the reactor's root. */
    private static final Path ONNX = Path.of("conv4j-onnx/src/test/resources/onnx");

    @TempDir Path tmp;

    @Test void aModelFileInfersInChunksWhatTheLibraryComputesOnTheWholeBatch() throws Exception {
        Path modelFile = tmp.resolve("lenet5.c4j"), x = tmp.resolve("x.npy"), y = tmp.resolve("y.npy");
        int n = 5;
        float[] input = gaussian(n * 28 * 28, 11);
        Npy.writeFloats(x, input, n, 1, 28, 28);
        float[] expected;
        try (Model model = Zoo.create("lenet5", Shape.of(1, 28, 28), 10, 7)) {
            ModelFile.save(modelFile, model, Map.of());
            model.train(false);
            try (Tensor batch = Tensor.of(input, n, 1, 28, 28)) {
                expected = model.forward(batch).toArray();
            }
        }
        CliRun run = CliRun.of("infer", modelFile.toString(), "--input", x.toString(), "--output", y.toString(), "--batch", "2");
        assertEquals(0, run.code(), run.err());

        Npy.Header header = Npy.readHeader(y);
        assertEquals("<f4", header.dtype());
        assertEquals(List.of(5L, 10L), header.shape());
        float[] actual = read(y, header);
        double maxDiff = maxAbsDiff(expected, actual);
        System.out.println("infer lenet5.c4j in chunks of 2 vs forward on all 5: max abs diff " + maxDiff);
        assertTrue(maxDiff <= 1e-5, "max abs diff " + maxDiff);
        assertFalse(Files.exists(tmp.resolve("y.npy.tmp")), "the temp file is renamed away");
    }

    @Test void aSequentialPyTorchExportMatchesPyTorch() throws Exception {
        double error = inferShipped("reference_cnn", "3", 1e-4, 1e-5);
        System.out.println("infer reference_cnn.onnx vs PyTorch: max abs diff " + error);
    }

    @Test void aGraphPyTorchExportWithBatchNormMatchesPyTorch() throws Exception {
        double error = inferShipped("small_resnet_w8_bn", "64", 1e-3, 1e-4);
        System.out.println("infer small_resnet_w8_bn.onnx vs PyTorch: max abs diff " + error);
    }

    @Test void anotherDtypeIsRefusedNamingTheFileAndTheDtype() throws Exception {
        Path x = tmp.resolve("f8.npy");
        String header = new String(Npy.float32Header(2, 1, 28, 28), StandardCharsets.ISO_8859_1).replace("<f4", "<f8");
        byte[] bytes = new byte[header.length() + 2 * 28 * 28 * 8];
        System.arraycopy(header.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, 0, header.length());
        Files.write(x, bytes);
        assertRefused(x, x + ": dtype <f8, expected float32 (<f4)");
    }

    @Test void aShapeOtherThanTheModelsIsRefusedNamingBoth() throws Exception {
        Path x = tmp.resolve("wide.npy");
        Npy.writeFloats(x, new float[2 * 28 * 27], 2, 1, 28, 27);
        assertRefused(x, x + ": shape [2, 1, 28, 27], but " + ONNX.resolve("reference_cnn.onnx") + " takes N×1×28×28");
        Path flat = tmp.resolve("flat.npy");
        Npy.writeFloats(flat, new float[28 * 28], 1, 28, 28);
        assertRefused(flat, flat + ": shape [1, 28, 28], but");
    }

    @Test void aTruncatedFileIsRefused() throws Exception {
        Path x = tmp.resolve("short.npy");
        Npy.writeFloats(x, new float[2 * 28 * 28], 2, 1, 28, 28);
        byte[] whole = Files.readAllBytes(x);
        Files.write(x, java.util.Arrays.copyOf(whole, whole.length - 4));
        assertRefused(x, x + ": truncated: shape [2, 1, 28, 28] of <f4 needs 6272 bytes of data, file holds 6268");
    }

    /** Runs the shipped model on its case's x and checks y within rtol and atol; returns the max abs difference. */
    private double inferShipped(String name, String batch, double rtol, double atol) throws IOException {
        Map<String, float[]> tensors = new java.util.HashMap<>();
        Map<String, long[]> shapes = new java.util.HashMap<>();
        List<String> lines = Files.readAllLines(ONNX.resolve("onnx_" + name + ".case"));
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("tensor ")) continue;
            String[] words = lines.get(i).split(" ");
            shapes.put(words[1], java.util.Arrays.stream(words, 2, words.length).mapToLong(Long::parseLong).toArray());
            String[] numbers = lines.get(++i).trim().split(" ");
            float[] values = new float[numbers.length];
            for (int v = 0; v < values.length; v++) values[v] = Float.parseFloat(numbers[v]);
            tensors.put(words[1], values);
        }
        Path x = tmp.resolve(name + ".x.npy"), y = tmp.resolve(name + ".y.npy");
        Npy.writeFloats(x, tensors.get("x"), shapes.get("x"));
        CliRun run = CliRun.of("infer", ONNX.resolve(name + ".onnx").toString(), "-i", x.toString(), "-o", y.toString(), "--batch", batch);
        assertEquals(0, run.code(), run.err());

        Npy.Header header = Npy.readHeader(y);
        assertEquals(java.util.Arrays.stream(shapes.get("y")).boxed().toList(), header.shape());
        float[] actual = read(y, header), expected = tensors.get("y");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]),
                    name + " output " + i + ": " + actual[i] + ", PyTorch " + expected[i]);
        }
        return maxAbsDiff(expected, actual);
    }

    private void assertRefused(Path x, String message) {
        Path y = tmp.resolve("refused.npy");
        CliRun run = CliRun.of("infer", ONNX.resolve("reference_cnn.onnx").toString(), "--input", x.toString(), "--output", y.toString());
        assertEquals(1, run.code(), run.out() + run.err());
        assertTrue(run.err().contains(message), run.err());
        assertFalse(Files.exists(y), "nothing written");
    }

    private static float[] read(Path file, Npy.Header header) throws IOException {
        float[] values = new float[(int) header.elements()];
        Npy.readFloats(file, header, 0, values, 0, values.length);
        return values;
    }

    private static float[] gaussian(int count, long seed) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float) random.nextGaussian();
        return values;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }
}

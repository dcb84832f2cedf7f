package io.github.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.conv4j.nn.Graph;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * torchvision's classification models, exported with random weights by
 * {@code scripts/export_torchvision_onnx.py} (eval mode, opsets 13 to 17, a batch of 2 at 64×64, or
 * 224×224 for VGG and AlexNet), imported onto graphs and run on the script's input: each must
 * match PyTorch's output within {@link #RELATIVE_TOLERANCE} of the output's scale (its largest
 * magnitude). Each model is one dynamic test that prints "matches" with its error or the
 * importer's refusal, which fails it.
 *
 * <p>Needs a python3 with torch, torchvision and onnx (Debian's python3-torch, python3-torchvision
 * and python3-onnx; the system property {@code conv4j.python} names another interpreter) and
 * skips, saying so, without one: CI has none.
 */
class TorchvisionImportTest {
    /**
     * Errors allowed, relative to the largest |y| of PyTorch's output: float32 sums over
     * thousands of products in another order, through up to a hundred layers.
     */
    private static final double RELATIVE_TOLERANCE = 1e-4;
    private static final Path SCRIPT = Path.of("scripts/export_torchvision_onnx.py");
    private static final List<String> MODELS = List.of("resnet18", "resnet50", "vgg11", "alexnet", "squeezenet1_0",
            "squeezenet1_1", "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large", "googlenet", "densenet121",
            "mnasnet0_5", "regnet_x_400mf", "efficientnet_b0", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0");

    @TempDir
    static Path exports;

    @TestFactory
    Stream<DynamicTest> torchvisionModelsImportAndMatchPyTorch() throws Exception {
        Optional<String> python = pythonWithTorch();
        if (python.isEmpty()) {
            // Surefire counts a factory's aborted assumption as nothing run: say so where the log shows it.
            String why = "skipped: no python3 with torch, torchvision and onnx (tried " + candidates()
                    + "; set -Dconv4j.python=...)";
            System.out.println("TorchvisionImportTest " + why);
            Assumptions.abort(why);
        }
        Map<String, String> exported = export(python.get());
        assertEquals(MODELS, List.copyOf(exported.keySet()), "the script reports every model");
        return MODELS.stream().map(name -> DynamicTest.dynamicTest(name, () -> check(name, exported.get(name))));
    }

    private static void check(String name, String exportLine) throws IOException {
        if (!exportLine.startsWith("ok")) {
            fail(name + ": PyTorch could not export it: " + exportLine);
        }
        NpyFloats x = NpyFloats.read(exports.resolve(name + ".x.npy"));
        NpyFloats expected = NpyFloats.read(exports.resolve(name + ".y.npy"));
        try (Graph model = OnnxImporter.importGraph(exports.resolve(name + ".onnx"));
                Tensor input = Tensor.of(x.values(), x.dims())) {
            Tensor y = model.forward(input);
            assertArrayEquals(expected.dims(), y.shape().dims(), name + ": output shape");
            float[] actual = y.toArray();
            double scale = 0;
            for (float v : expected.values()) {
                scale = Math.max(scale, Math.abs(v));
            }
            double error = 0;
            int worst = 0;
            for (int i = 0; i < actual.length; i++) {
                double e = Math.abs(actual[i] - expected.values()[i]);
                if (!(e <= error)) {
                    error = e;
                    worst = i;
                }
            }
            System.out.printf("%s (%s): matches, max abs error %.3g, %.3g of the output scale %.3g, %d nodes%n",
                    name, exportLine, error, error / scale, scale, model.nodes().size());
            assertTrue(error <= RELATIVE_TOLERANCE * scale, name + ": y[" + worst + "] = " + actual[worst]
                    + ", PyTorch " + expected.values()[worst] + ", error " + error + " beyond " + RELATIVE_TOLERANCE
                    + " of the output scale " + scale);
        } catch (OnnxModelException e) {
            System.out.println(name + ": refused: " + e.getMessage());
            throw e;
        }
    }

    /** Runs the export script once for all models; its lines by model: "ok SIZE OPSET" or "failed REASON". */
    private static Map<String, String> export(String python) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python, SCRIPT.toString(), exports.toString()));
        command.addAll(MODELS);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            fail(SCRIPT + " failed (exit " + (process.isAlive() ? "none, killed" : process.exitValue()) + "): " + output);
        }
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            String[] words = line.split(" ", 2);
            if (words.length == 2) {
                lines.put(words[0], words[1]);
            }
        }
        return lines;
    }

    private static List<String> candidates() {
        String configured = System.getProperty("conv4j.python");
        return configured != null ? List.of(configured) : List.of("/usr/bin/python3", "python3");
    }

    /** The first candidate interpreter that imports torch, torchvision and onnx. */
    private static Optional<String> pythonWithTorch() throws InterruptedException {
        if (!Files.isRegularFile(SCRIPT)) {
            return Optional.empty();
        }
        for (String python : candidates()) {
            try {
                Process probe = new ProcessBuilder(python, "-c", "import torch, torchvision, onnx")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (probe.waitFor(2, TimeUnit.MINUTES) && probe.exitValue() == 0) {
                    return Optional.of(python);
                }
                probe.destroyForcibly();
            } catch (IOException notInstalled) {
                // try the next one
            }
        }
        return Optional.empty();
    }
}

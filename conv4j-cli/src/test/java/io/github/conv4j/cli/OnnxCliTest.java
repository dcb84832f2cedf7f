package io.github.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Sequential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code conv4j export} and {@code conv4j import}: a trained model through ONNX and back, and PyTorch's files. */
class OnnxCliTest {
    /** A PyTorch export (torchvision-style small ResNet, 3 channels, no conv4j metadata); tests run in the reactor's root. */
    private static final Path PYTORCH_RESNET = Path.of("conv4j-onnx/src/test/resources/onnx/small_resnet_w8.onnx");

    @TempDir Path tmp;



    @Test void aTrainedModelExportedAndImportedBackEvaluatesTheSame() throws Exception {
        Path trained = tmp.resolve("lenet5.c4j"), onnx = tmp.resolve("lenet5.onnx"), back = tmp.resolve("back.c4j");
        CliRun t = CliRun.of("train", "--model", "lenet5", "--epochs", "1", "--train-limit", "640", "--test-limit", "100",
                "-o", trained.toString(), "--no-progress");
        assertEquals(0, t.code(), t.err());

        CliRun e = CliRun.of("export", trained.toString(), "-o", onnx.toString());
        assertEquals(0, e.code(), e.err());
        CliRun i = CliRun.of("import", onnx.toString(), "-o", back.toString());
        assertEquals(0, i.code(), i.err());
        assertEquals("", i.err(), "the exported file carries its preprocessing: no warning");
        try (ModelFile.Loaded original = ModelFile.loadForInference(trained); ModelFile.Loaded imported = ModelFile.loadForInference(back)) {
            assertTrue(imported.model() instanceof Sequential);
            assertEquals(original.model().preprocessing(), imported.model().preprocessing());
            org.junit.jupiter.api.Assertions.assertArrayEquals(original.model().parameters().toArray(),
                    imported.model().parameters().toArray(), "the weights bit for bit");
        }

        String before = accuracy(CliRun.of("eval", trained.toString()), trained);
        String after = accuracy(CliRun.of("eval", back.toString()), back);
        assertEquals(before, after);
        System.out.println("lenet5 eval before the ONNX round trip and after: " + before + " / " + after);
    }

    @Test void aPyTorchGraphImportsWithThePreprocessingOfTheOptions() throws Exception {
        Path classes = tmp.resolve("classes.txt"), out = tmp.resolve("resnet.c4j");
        Files.write(classes, List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"));
        CliRun i = CliRun.of("import", PYTORCH_RESNET.toString(), "-o", out.toString(), "--mean", "0.5,0.4,0.3", "--std", "0.25",
                "--classes", classes.toString());
        assertEquals(0, i.code(), i.err());
        try (ModelFile.Loaded loaded = ModelFile.loadForInference(out)) {
            assertTrue(loaded.model() instanceof Graph, "a branching model becomes a graph");
            var p = loaded.model().preprocessing().orElseThrow();
            assertEquals(0.4f, p.mean(1));
            assertEquals(0.25f, p.std(2));
            assertEquals("c9", p.classNames().get(9));
        }
        Path onnx = tmp.resolve("resnet.onnx");
        assertEquals(0, CliRun.of("export", out.toString(), "-o", onnx.toString()).code());
        assertTrue(Files.size(onnx) > 0);
    }

    @Test void withoutPreprocessingTheImportWarns() {
        Path out = tmp.resolve("plain.c4j");
        CliRun i = CliRun.of("import", PYTORCH_RESNET.toString(), "-o", out.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.err().contains("warning: " + out + " has no preprocessing"), i.err());
    }

    @Test void errorsNameTheFileAndNumbersAreCheckedAtTheFlag() throws Exception {
        Path junk = tmp.resolve("junk.onnx");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5});
        CliRun bad = CliRun.of("import", junk.toString(), "-o", tmp.resolve("x.c4j").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains(junk.toString()), bad.err());

        CliRun wrongCount = CliRun.of("import", PYTORCH_RESNET.toString(), "-o", tmp.resolve("y.c4j").toString(), "--mean", "0.1,0.2");
        assertEquals(1, wrongCount.code());
        assertTrue(wrongCount.err().contains(PYTORCH_RESNET + ": --mean has 2 values, the model's input has 3 channels"),
                wrongCount.err());

        CliRun std = CliRun.of("import", PYTORCH_RESNET.toString(), "--std", "0");
        assertEquals(2, std.code());
        assertTrue(std.err().contains("--std must be a positive number, got 0.0"), std.err());
        CliRun mean = CliRun.of("import", PYTORCH_RESNET.toString(), "--mean", "NaN");
        assertEquals(2, mean.code());
        assertTrue(mean.err().contains("--mean must be a finite number, got NaN"), mean.err());

        Path missing = tmp.resolve("missing.c4j");
        CliRun export = CliRun.of("export", missing.toString());
        assertEquals(1, export.code());
        assertTrue(export.err().contains(missing + ": no such file"), export.err());
    }

    /** The eval line's numbers after the file's name: "test loss L, accuracy A% on N images". */
    private static String accuracy(CliRun eval, Path model) {
        assertEquals(0, eval.code(), eval.err());
        String line = eval.out().lines().filter(l -> l.startsWith(model + ": ")).findFirst()
                .orElseThrow(() -> new AssertionError("no accuracy line in: " + eval.out()));
        return line.substring(model.toString().length() + 2);
    }
}

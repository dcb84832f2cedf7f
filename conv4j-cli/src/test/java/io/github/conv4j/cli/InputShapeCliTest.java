package io.github.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.Npy;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.onnx.OnnxExporter;
import io.github.conv4j.onnx.proto.OnnxProtos.ModelProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TensorShapeProto;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --input-shape} of {@code conv4j import} and {@code conv4j infer}, on an ONNX file written
 * here as PyTorch's {@code dynamic_axes} writes one: a conv4j model exported, its input's C, H, W
 * then made symbols.
 */
class InputShapeCliTest {
    @TempDir Path tmp;
    /** The ONNX file of {@link #trained}'s weights, its input [N, C, H, W]. */
    private Path open;
    /** Conv, global pooling, Linear: it runs at any H and W, trained at 3×8×8. */
    private Sequential trained;

    @BeforeEach void writeTheOpenFile() throws IOException {
        trained = model(Shape.of(3, 8, 8));
        SplittableRandom random = new SplittableRandom(5);
        float[] weights = trained.parameters().toArray();
        for (int i = 0; i < weights.length; i++) weights[i] = (float) random.nextDouble(-1, 1);
        trained.parameters().copyFrom(weights);
        trained.train(false);
        Path fixed = tmp.resolve("fixed.onnx");
        OnnxExporter.export(trained, fixed);
        open = withInputDims(fixed, "open.onnx", "C", "H", "W");
    }

    @AfterEach void close() {
        trained.close();
    }

    private static Sequential model(Shape sample) {
        return new Sequential(sample, 7L, List.of(new Conv2d(3, 4, 3).padding(1), new ReLU(), new GlobalAvgPool2d(), new Flatten(),
                new Linear(4, 5)));
    }

    /** {@code file} with its input's sizes after the batch replaced: a symbol, or a number kept when null. */
    private Path withInputDims(Path file, String name, String... symbols) throws IOException {
        ModelProto.Builder proto = ModelProto.parseFrom(Files.readAllBytes(file)).toBuilder();
        TensorShapeProto.Builder shape = proto.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        for (int i = 0; i < symbols.length; i++)
            if (symbols[i] != null) shape.setDim(i + 1, TensorShapeProto.Dimension.newBuilder().setDimParam(symbols[i]));
        Path out = tmp.resolve(name);
        Files.write(out, proto.build().toByteArray());
        return out;
    }

    @Test void importWithoutTheFlagSaysWhichFlagToGive() {
        CliRun run = CliRun.of("import", open.toString(), "-o", tmp.resolve("m.c4j").toString());
        assertEquals(1, run.code(), run.out() + run.err());
        assertTrue(run.err().contains(open + ": graph input 'input' has shape [N, C, H, W], open after the batch: give its sizes with "
                + "--input-shape C,H,W"), run.err());
        assertFalse(Files.exists(tmp.resolve("m.c4j")));
    }

    @Test void importAtTheShapeGivenComputesWhatTheModelComputesAtThatSize() throws IOException {
        Path c4j = tmp.resolve("m.c4j");
        CliRun run = CliRun.of("import", open.toString(), "-o", c4j.toString(), "--input-shape", "3,12,10");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("[3, 12, 10] → [5]"), run.out());
        try (ModelFile.Loaded loaded = ModelFile.loadForInference(c4j); Sequential resized = model(Shape.of(3, 12, 10))) {
            assertEquals(Shape.of(3, 12, 10), loaded.model().sampleInput());
            resized.parameters().copyFrom(trained.parameters().toArray());
            resized.train(false);
            float[] x = gaussian(2 * 3 * 12 * 10);
            try (Tensor batch = Tensor.of(x, 2, 3, 12, 10)) {
                assertArrayEquals(resized.forward(batch).toArray(), loaded.model().forward(batch).toArray());
            }
        }
    }

    @Test void aShapeThatDisagreesWithTheFileIsRefusedNamingBoth() throws IOException {
        Path hw = withInputDims(tmp.resolve("fixed.onnx"), "hw.onnx", null, "H", "W");
        CliRun run = CliRun.of("import", hw.toString(), "-o", tmp.resolve("m.c4j").toString(), "--input-shape", "4,8,8");
        assertEquals(1, run.code(), run.out() + run.err());
        assertTrue(run.err().contains(hw + ": graph input 'input' has shape [N, 3, H, W], which fixes axis 1 at 3, but the input shape "
                + "given, 4,8,8, has 4 there"), run.err());
    }

    @Test void badValuesAreUsageErrorsNamingTheFlagAndTheValue() {
        String[][] cases = {
                {"--input-shape 3,x,10: size 2 'x' is not an integer", "3,x,10"},
                {"--input-shape 3,,10: size 2 '' is not an integer", "3,,10"},
                {"--input-shape: input shape 3,0,10: size 2 is 0, not a positive integer", "3,0,10"},
                {"--input-shape: input shape 3,99999,99999 has more than 1073741824 elements per sample", "3,99999,99999"},
                {"--input-shape 3,99999999999999999999,1: size 2 '99999999999999999999' is not an integer", "3,99999999999999999999,1"},
        };
        for (String[] c : cases)
            for (String command : List.of("import", "infer")) {
                List<String> args = command.equals("import") ? List.of("import", open.toString(), "--input-shape", c[1])
                        : List.of("infer", open.toString(), "-i", "x.npy", "-o", "y.npy", "--input-shape", c[1]);
                CliRun run = CliRun.of(args.toArray(String[]::new));
                assertEquals(2, run.code(), "a usage error: " + args);
                assertTrue(run.err().startsWith(c[0]), run.err());
            }
    }

    @Test void inferTakesTheFlagOrElseTheArraysShape() throws IOException {
        Path x = tmp.resolve("x.npy");
        float[] values = gaussian(3 * 3 * 12 * 10);
        Npy.writeFloats(x, values, 3, 3, 12, 10);
        float[] expected;
        try (Sequential resized = model(Shape.of(3, 12, 10)); Tensor batch = Tensor.of(values, 3, 3, 12, 10)) {
            resized.parameters().copyFrom(trained.parameters().toArray());
            resized.train(false);
            expected = resized.forward(batch).toArray();
        }
        for (List<String> flag : List.of(List.of("--input-shape", "3,12,10"), List.<String>of())) {
            Path y = tmp.resolve("y" + flag.size() + ".npy");
            List<String> args = new java.util.ArrayList<>(List.of("infer", open.toString(), "-i", x.toString(), "-o", y.toString(), "--batch", "2"));
            args.addAll(flag);
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, run.code(), run.err());
            Npy.Header header = Npy.readHeader(y);
            assertEquals(List.of(3L, 5L), header.shape());
            float[] actual = new float[15];
            Npy.readFloats(y, header, 0, actual, 0, 15);
            // In chunks of 2 the convolution may run another kernel than on all 3: equal up to float rounding.
            assertArrayEquals(expected, actual, 1e-5f, "infer " + flag);
        }

        CliRun other = CliRun.of("infer", open.toString(), "-i", x.toString(), "-o", tmp.resolve("z.npy").toString(), "--input-shape", "3,8,8");
        assertEquals(1, other.code(), other.out() + other.err());
        assertTrue(other.err().contains(x + ": shape [3, 3, 12, 10], but " + open + " takes N×3×8×8"), other.err());
    }

    @Test void anArrayWhoseShapeDoesNotFitTheOpenInputIsRefusedNamingBoth() throws IOException {
        Path x = tmp.resolve("flat.npy");
        Npy.writeFloats(x, new float[2 * 3 * 12], 2, 3, 12);
        CliRun run = CliRun.of("infer", open.toString(), "-i", x.toString(), "-o", tmp.resolve("y.npy").toString());
        assertEquals(1, run.code(), run.out() + run.err());
        assertTrue(run.err().contains(x + ": shape [2, 3, 12], taken after N as the input shape " + open + " leaves open, does not fit "
                + "it (give --input-shape): " + open + ": graph input 'input' has shape [N, C, H, W], 3 sizes after the batch, but the "
                + "input shape given, 3,12, has 2"), run.err());
        assertFalse(Files.exists(tmp.resolve("y.npy")), "nothing written");
    }

    @Test void inferRefusesTheFlagForAModelFile() throws IOException {
        Path c4j = tmp.resolve("m.c4j");
        ModelFile.save(c4j, trained, Map.of());
        CliRun run = CliRun.of("infer", c4j.toString(), "-i", "x.npy", "-o", "y.npy", "--input-shape", "3,8,8");
        assertEquals(2, run.code(), run.out() + run.err());
        assertTrue(run.err().startsWith("--input-shape is for an .onnx MODEL; " + c4j + " fixes its own input shape"), run.err());
    }

    @Test void helpSaysWhatTheFlagDoes() {
        var commands = new picocli.CommandLine(new Main()).getSubcommands();
        for (String command : List.of("import", "infer")) {
            var option = commands.get(command).getCommandSpec().findOption("--input-shape");
            assertEquals("C,H,W", option.paramLabel(), command);
            assertTrue(String.join(" ", option.description()).contains("where the ONNX file leaves them open")
                    || String.join(" ", option.description()).contains("whose input leaves sizes open"), command);
        }
        String infer = String.join(" ", commands.get("infer").getCommandSpec().usageMessage().description());
        assertTrue(infer.contains("takes them from --input-shape, else from the input's shape after N"), infer);
    }

    private static float[] gaussian(int count) {
        SplittableRandom random = new SplittableRandom(count);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float) random.nextGaussian();
        return values;
    }
}

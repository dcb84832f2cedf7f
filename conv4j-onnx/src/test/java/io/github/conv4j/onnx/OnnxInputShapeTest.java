package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.OnnxTestModels.intAttribute;
import static io.github.conv4j.onnx.OnnxTestModels.longs;
import static io.github.conv4j.onnx.OnnxTestModels.node;
import static io.github.conv4j.onnx.OnnxTestModels.rawFloats;
import static io.github.conv4j.onnx.OnnxTestModels.tensorAttribute;
import static io.github.conv4j.onnx.OnnxTestModels.tensorValue;
import static io.github.conv4j.onnx.OnnxTestModels.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.onnx.proto.OnnxProtos.GraphProto;
import io.github.conv4j.onnx.proto.OnnxProtos.ModelProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TensorShapeProto;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files whose graph input leaves sizes after the batch open, as PyTorch's {@code dynamic_axes}
 * writes them: conv4j models exported, then their input's dims rewritten to symbols, left unnamed
 * or dropped, imported with {@link OnnxImportOptions#inputShape} and without.
 */
class OnnxInputShapeTest {
    /** The input of the exported models, as {@link OnnxExporter} names it. */
    private static final String INPUT = io.github.conv4j.nn.Node.INPUT;

    @TempDir
    Path dir;

    /** Conv, global pooling, Linear: it runs at any H and W. */
    private static Sequential fullyConvolutional(Shape sample) {
        return randomized(new Sequential(sample, 7L, List.of(new Conv2d(3, 4, 3).padding(1), new ReLU(),
                new GlobalAvgPool2d(), new Flatten(), new Linear(4, 5))));
    }

    /** Conv, Flatten, Linear: the Linear's features are C·H·W of the Conv's output, so one H and W only. */
    private static Sequential flattening() {
        return randomized(new Sequential(Shape.of(2, 6, 6), 7L, List.of(new Conv2d(2, 3, 3).padding(1), new ReLU(),
                new Flatten(), new Linear(3 * 6 * 6, 4))));
    }

    private static Sequential randomized(Sequential model) {
        SplittableRandom random = new SplittableRandom(3);
        float[] params = model.parameters().toArray();
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) random.nextDouble(-1, 1);
        }
        model.parameters().copyFrom(params);
        model.train(false);
        return model;
    }

    /** The model exported, its input's dims after the batch rewritten by {@code rewrite} (axis 1, 2, 3). */
    private Path exported(Model model, String name, Function<Integer, TensorShapeProto.Dimension> rewrite)
            throws IOException {
        ModelProto.Builder proto = OnnxExporter.toProto(model).toBuilder();
        TensorShapeProto.Builder shape = proto.getGraphBuilder().getInputBuilder(0).getTypeBuilder()
                .getTensorTypeBuilder().getShapeBuilder();
        for (int axis = 1; axis < shape.getDimCount(); axis++) {
            TensorShapeProto.Dimension dim = rewrite.apply(axis);
            if (dim != null) {
                shape.setDim(axis, dim);
            }
        }
        return write(dir, name, proto.build());
    }

    /** C, H, W as dim_param, as {@code dynamic_axes={'x': {1: 'C', 2: 'H', 3: 'W'}}} writes them. */
    private Path symbolic(Model model, String name) throws IOException {
        return exported(model, name, axis -> param(List.of("C", "H", "W").get(axis - 1)));
    }

    private static TensorShapeProto.Dimension param(String symbol) {
        return TensorShapeProto.Dimension.newBuilder().setDimParam(symbol).build();
    }

    private static OnnxImportOptions shape(long... dims) {
        return OnnxImportOptions.defaults().inputShape(dims);
    }

    @Test
    void anOpenInputWithoutAShapeIsRefusedSayingWhichFlagGivesIt() throws IOException {
        try (Sequential original = fullyConvolutional(Shape.of(3, 8, 8))) {
            Path named = symbolic(original, "named.onnx");
            UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class,
                    () -> OnnxImporter.importGraph(named));
            assertEquals(named + ": graph input '" + INPUT + "' has shape [N, C, H, W], open after the batch: give its "
                    + "sizes with --input-shape C,H,W (OnnxImportOptions.inputShape in Java)", e.getMessage());
            assertEquals(e.getMessage(), assertThrows(UnsupportedOnnxModelException.class,
                    () -> OnnxImporter.importModel(named)).getMessage(), "the chain import says the same");

            // Fixed sizes are written out; an unnamed size gets its conventional name.
            Path partly = exported(original, "partly.onnx",
                    axis -> axis == 2 ? param("height") : axis == 3 ? TensorShapeProto.Dimension.getDefaultInstance() : null);
            assertEquals(partly + ": graph input '" + INPUT + "' has shape [N, 3, height, ?], open after the batch: give "
                    + "its sizes with --input-shape 3,height,W (OnnxImportOptions.inputShape in Java)",
                    assertThrows(UnsupportedOnnxModelException.class, () -> OnnxImporter.importModel(partly)).getMessage());
        }
    }

    @Test
    void theShapeGivenFillsSymbolicDimsAndTheModelComputesAsTheOriginal() throws IOException {
        try (Sequential original = fullyConvolutional(Shape.of(3, 8, 8))) {
            Path file = symbolic(original, "symbolic.onnx");
            try (Sequential chain = OnnxImporter.importModel(file, shape(3, 8, 8));
                    Graph graph = OnnxImporter.importGraph(file, shape(3, 8, 8))) {
                assertEquals(Shape.of(3, 8, 8), chain.sampleInput());
                assertSameOutputs(original, chain, 3);
                assertSameOutputs(original, graph, 3);
            }
        }
    }

    @Test
    void aFullyConvolutionalModelRunsAtTheSizeGivenAsOnnxRuntimeRunsTheFile() throws Exception {
        try (Sequential original = fullyConvolutional(Shape.of(3, 8, 8));
                Sequential resized = fullyConvolutional(Shape.of(3, 12, 10))) {
            Path file = symbolic(original, "any_size.onnx");
            resized.parameters().copyFrom(original.parameters().toArray());
            try (Sequential imported = OnnxImporter.importModel(file, shape(3, 12, 10))) {
                assertEquals(Shape.of(3, 12, 10), imported.sampleInput());
                float[] x = gaussian(2 * 3 * 12 * 10);
                assertSameOutputs(resized, imported, 2);
                try (Tensor input = Tensor.of(x, 2, 3, 12, 10)) {
                    float[] expected = OnnxRuntimeReference.run(file, x, new int[] {2, 3, 12, 10}, new int[] {2, 5});
                    double error = OnnxRuntimeReference.assertClose(expected, imported.forward(input).toArray(), 1e-4,
                            1e-5, "any_size.onnx at 3×12×10");
                    System.out.println("symbolic H, W imported at 3×12×10 vs ONNX Runtime: max abs diff " + error);
                }
            }
        }
    }

    @Test
    void unnamedDimsAndAnUndeclaredShapeAreFilledToo() throws IOException {
        try (Sequential original = fullyConvolutional(Shape.of(3, 8, 8))) {
            Path unnamed = exported(original, "unnamed.onnx", axis -> TensorShapeProto.Dimension.getDefaultInstance());
            ModelProto.Builder noShape = OnnxExporter.toProto(original).toBuilder();
            noShape.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().clearShape();
            Path undeclared = write(dir, "undeclared.onnx", noShape.build());
            assertEquals(undeclared + ": graph input '" + INPUT + "' has shape unknown, open after the batch: give its "
                    + "sizes with --input-shape C,H,W (OnnxImportOptions.inputShape in Java)",
                    assertThrows(UnsupportedOnnxModelException.class, () -> OnnxImporter.importGraph(undeclared))
                            .getMessage());
            for (Path file : List.of(unnamed, undeclared)) {
                try (Sequential imported = OnnxImporter.importModel(file, shape(3, 8, 8))) {
                    assertSameOutputs(original, imported, 2);
                }
            }
        }
    }

    @Test
    void aShapeThatDisagreesWithTheFileIsRefusedNamingTheAxisAndBothSizes() throws IOException {
        try (Sequential original = fullyConvolutional(Shape.of(3, 8, 8))) {
            Path file = exported(original, "hw.onnx", axis -> axis == 1 ? null : param(axis == 2 ? "H" : "W"));
            IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                    () -> OnnxImporter.importModel(file, shape(4, 8, 8)));
            assertEquals(file + ": graph input '" + INPUT + "' has shape [N, 3, H, W], which fixes axis 1 at 3, but the "
                    + "input shape given, 4,8,8, has 4 there", channels.getMessage());
            IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                    () -> OnnxImporter.importGraph(file, shape(8, 8)));
            assertEquals(file + ": graph input '" + INPUT + "' has shape [N, 3, H, W], 3 sizes after the batch, but the "
                    + "input shape given, 8,8, has 2", rank.getMessage());
        }
    }

    @Test
    void aFixedFileNeedsNoShapeAndTakesOnlyItsOwn() throws IOException {
        try (Sequential original = fullyConvolutional(Shape.of(3, 8, 8))) {
            Path file = exported(original, "fixed.onnx", axis -> null);
            try (Sequential plain = OnnxImporter.importModel(file); Sequential agreeing = OnnxImporter.importModel(file,
                    shape(3, 8, 8))) {
                assertSameOutputs(original, plain, 1);
                assertSameOutputs(original, agreeing, 1);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OnnxImporter.importModel(file, shape(3, 9, 8)));
            assertEquals(file + ": graph input '" + INPUT + "' has shape [N, 3, 8, 8], which fixes axis 2 at 8, but the "
                    + "input shape given, 3,9,8, has 9 there", e.getMessage());
        }
    }

    @Test
    void badSizesAreRefusedBeforeAnyModelIsRead() {
        assertEquals("input shape 3,0,8: size 2 is 0, not a positive integer",
                assertThrows(IllegalArgumentException.class, () -> shape(3, 0, 8)).getMessage());
        assertEquals("input shape -3,8,8: size 1 is -3, not a positive integer",
                assertThrows(IllegalArgumentException.class, () -> shape(-3, 8, 8)).getMessage());
        assertEquals("an input shape needs at least one size after the batch, got none",
                assertThrows(IllegalArgumentException.class, () -> shape()).getMessage());
        // 2^31 elements, and a product that wraps past 2^63 to a small number, are both above the limit.
        assertEquals("input shape 2,32768,32768 has more than 1073741824 elements per sample "
                + "(OnnxImportOptions.MAX_SAMPLE_ELEMENTS)",
                assertThrows(IllegalArgumentException.class, () -> shape(2, 1 << 15, 1 << 15)).getMessage());
        long wraps = 1L << 32;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> shape(wraps, wraps, 1))
                .getMessage().contains("has more than 1073741824 elements"));
        assertArrayEquals(new long[] {1, 1 << 15, 1 << 15}, shape(1, 1 << 15, 1 << 15).inputShape().orElseThrow(),
                "2^30 elements, the limit itself, are accepted");
    }

    @Test
    void optionsAreImmutable() {
        long[] dims = {3, 8, 8};
        OnnxImportOptions options = OnnxImportOptions.defaults().inputShape(dims);
        dims[0] = 5;
        options.inputShape().orElseThrow()[1] = 9;
        assertArrayEquals(new long[] {3, 8, 8}, options.inputShape().orElseThrow());
        assertTrue(OnnxImportOptions.defaults().inputShape().isEmpty(), "the defaults stay without a shape");
        assertNotSame(options, options.inputShape(3, 8, 8));
    }

    @Test
    void aFlattensFeaturesComeFromTheShapeGiven() throws IOException {
        try (Sequential original = flattening()) {
            Path file = symbolic(original, "flatten.onnx");
            try (Sequential imported = OnnxImporter.importModel(file, shape(2, 6, 6))) {
                assertSameOutputs(original, imported, 2);
            }
            // At 7×7 the Flatten gives 147 features, not the 108 the Linear's weight was trained on.
            MalformedOnnxModelException e = assertThrows(MalformedOnnxModelException.class,
                    () -> OnnxImporter.importModel(file, shape(2, 7, 7)));
            assertEquals(file + ": node '/3/Gemm' (Gemm): weight B '3.weight' has shape [4, 108] but its input [N, 147] "
                    + "with transB 1 needs [4, 147] (at the input shape given, 2,7,7)", e.getMessage());
        }
    }

    /**
     * {@code x.view(x.size(0), -1)} on an input of batch 1 and open C, H, W, then a Gemm: the
     * Shape of the input folds once the sizes are given, and the Reshape's target with it.
     */
    @Test
    void theShapeArithmeticOfAReshapeFoldsFromTheShapeGiven() throws IOException {
        float[] weight = gaussian(4 * 18);
        float[] bias = {0.5f, -1f, 2f, 0f};
        GraphProto.Builder graph = GraphProto.newBuilder().addInput(tensorValue("x", 1, 1, 1, 1))
                .addOutput(tensorValue("y", 1, 4))
                .addInitializer(rawFloats("w", new long[] {4, 18}, weight))
                .addInitializer(rawFloats("b", new long[] {4}, bias))
                .addNode(node("/Shape", "Shape", List.of("x"), List.of("s")))
                .addNode(node("/Constant", "Constant", List.of(), List.of("zero"),
                        tensorAttribute("value", longs("", new long[0], 0))))
                .addNode(node("/Gather", "Gather", List.of("s", "zero"), List.of("batch"), intAttribute("axis", 0)))
                .addNode(node("/Unsqueeze", "Unsqueeze", List.of("batch", "axes"), List.of("batch1")))
                .addInitializer(longs("axes", new long[] {1}, 0))
                .addInitializer(longs("minus1", new long[] {1}, -1))
                .addNode(node("/Concat", "Concat", List.of("batch1", "minus1"), List.of("target"),
                        intAttribute("axis", 0)))
                .addNode(node("/Reshape", "Reshape", List.of("x", "target"), List.of("flat")))
                .addNode(node("/Gemm", "Gemm", List.of("flat", "w", "b"), List.of("y"), intAttribute("transB", 1)));
        TensorShapeProto.Builder dims = graph.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
                .getShapeBuilder();
        for (int axis = 1; axis < 4; axis++) {
            dims.setDim(axis, param(List.of("C", "H", "W").get(axis - 1)));
        }
        Path file = write(dir, "view.onnx", OnnxTestModels.model(13, graph));

        OnnxModel read = OnnxModel.read(file);
        assertTrue(read.opTypeCounts().containsKey("Shape"), "unfolded while C, H, W are open");
        OnnxModel resolved = GraphInputShape.resolve(read, shape(2, 3, 3));
        assertEquals(Map.of("Reshape", 1, "Gemm", 1), resolved.opTypeCounts());
        assertArrayEquals(new long[] {1, -1}, resolved.constant("target").orElseThrow().longs());
        float[] x = gaussian(18);
        try (Sequential model = OnnxImporter.importModel(read, shape(2, 3, 3)); Tensor input = Tensor.of(x, 1, 2, 3, 3)) {
            float[] y = model.forward(input).toArray();
            for (int o = 0; o < 4; o++) {
                double expected = bias[o];
                for (int i = 0; i < 18; i++) {
                    expected += weight[o * 18 + i] * x[i];
                }
                assertEquals(expected, y[o], 1e-4, "output " + o);
            }
        }
        MalformedOnnxModelException e = assertThrows(MalformedOnnxModelException.class,
                () -> OnnxImporter.importGraph(read, shape(2, 3, 4)));
        assertEquals(file + ": node '/Gemm' (Gemm): weight B 'w' has shape [4, 18] but its input [N, 24] with transB 1 "
                + "needs [4, 24] (at the input shape given, 2,3,4)", e.getMessage());
    }

    private static void assertSameOutputs(Model expected, Model actual, int batch) {
        float[] x = gaussian(Math.toIntExact(batch * expected.sampleInput().size()));
        try (Tensor input = Tensor.of(x, expected.sampleInput().prependBatch(batch).dims())) {
            assertArrayEquals(expected.forward(input).toArray(), actual.forward(input).toArray(),
                    "the same layers and weights compute the same, bit for bit");
        }
    }

    private static float[] gaussian(int count) {
        SplittableRandom random = new SplittableRandom(count);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}

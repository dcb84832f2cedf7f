package io.github.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.AdaptiveAvgPool2d;
import io.github.conv4j.nn.BatchNorm1d;
import io.github.conv4j.nn.Dropout;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GELU;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.HardSwish;
import io.github.conv4j.nn.Identity;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.LayerContext;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.Op;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.SiLU;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.nn.Softmax;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conv4j models exported to ONNX and imported back compute the same outputs with the same layers. */
class OnnxExportRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void referenceCnnImportedExportedAndImportedAgainIsBitForBit() throws IOException {
        try (Sequential pytorch = OnnxImporter.importModel(OnnxTestModels.resource("reference_cnn.onnx"))) {
            Path file = dir.resolve("reference_cnn.onnx");
            OnnxExporter.export(pytorch, file);
            OnnxModel read = OnnxModel.read(file);
            assertEquals(13, read.opset());
            assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"),
                    List.copyOf(read.initializers().keySet()));
            try (Sequential back = OnnxImporter.importModel(read)) {
                assertSameModel(pytorch, back, 4);
                OnnxImportSharedModelsTest.maxAbsError(back, "onnx_reference_cnn.case", 1e-4, 1e-5);
            }
        }
    }

    @Test
    void everyExportedLayerTypeRoundTrips() throws IOException {
        Sequential model = OnnxTestNetworks.everyLayerChain(
                new GlobalAvgPool2d(),
                new Flatten(),
                new Dropout(0.25),
                new Linear(8, 6),
                new BatchNorm1d(6),
                new HardSwish(),
                new Identity(),
                new Linear(6, 4).bias(false),
                new SiLU(),
                new GELU(),
                new GELU().tanhApproximation(),
                new ReLU(),
                new Softmax());
        try (model) {
            OnnxTestNetworks.randomize(model);
            model.setPreprocessing(OnnxTestNetworks.threeChannelPreprocessing("cat", "dog", "bird", "fish"));
            Path file = dir.resolve("all.onnx");
            OnnxExporter.export(model, file);
            OnnxModel read = OnnxModel.read(file);
            assertEquals(14, read.opset(), "HardSwish is an opset 14 operator");
            assertEquals(Conv4jVersion.get(), read.metadata().get(OnnxExporter.VERSION_KEY));
            assertTrue(read.metadata().get(OnnxExporter.VERSION_KEY).matches("\\d+\\.\\d+.*"));
            try (Sequential back = OnnxImporter.importModel(read)) {
                assertSameModel(model.train(false), back, 3);
                assertEquals(model.preprocessing(), back.preprocessing());
                assertEquals(model.seed(), back.seed());
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
            }
        }
    }

    @Test
    void anAdaptivePoolOfOneIsTheGlobalOne() throws IOException {
        try (Sequential model = new Sequential(Shape.of(2, 4, 6), new AdaptiveAvgPool2d(1))) {
            Path file = dir.resolve("global.onnx");
            OnnxExporter.export(model, file);
            assertEquals(List.of("GlobalAveragePool"), OnnxModel.read(file).nodes().stream().map(OnnxNode::opType).toList());
        }
    }

    @Test
    void adaptivePoolsWhoseWindowsTileTheInputAreAveragePools() throws IOException {
        try (Sequential model = new Sequential(Shape.of(2, 4, 6), new AdaptiveAvgPool2d(2), new Flatten())) {
            Path file = dir.resolve("adaptive.onnx");
            OnnxExporter.export(model, file);
            try (Sequential back = OnnxImporter.importModel(file)) {
                assertEquals("AvgPool2d kernel=2,3 stride=2,3 padding=0,0 dilation=1,1 ceil=false mode=TRUNCATE "
                        + "countIncludePad=false", back.layers().get(0).spec());
                float[] x = new float[2 * 2 * 4 * 6];
                for (int i = 0; i < x.length; i++) {
                    x[i] = i * 0.37f - 3;
                }
                try (Tensor input = Tensor.of(x, 2, 2, 4, 6)) {
                    float[] expected = model.forward(input).toArray();
                    float[] actual = back.forward(input).toArray();
                    // The same averages, summed in another order.
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], actual[i], 1e-6f * Math.abs(expected[i]), "output " + i);
                    }
                }
            }
        }
    }

    @Test
    void adaptivePoolsWhoseWindowsDifferAreRefused() {
        try (Sequential model = new Sequential(Shape.of(1, 5, 5), new AdaptiveAvgPool2d(2), new Flatten())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OnnxExporter.export(model, dir.resolve("x.onnx")));
            assertEquals("layer 0 AdaptiveAvgPool2d(2×2): its 2×2 output does not divide its 5×5 input, so its windows "
                    + "differ in size, which no ONNX pooling computes", e.getMessage());
        }
    }

    @Test
    void siluAndGeluAreWrittenAsPyTorchsNodeChains() throws IOException {
        try (Sequential model = new Sequential(Shape.of(4), new SiLU(), new GELU(), new GELU().tanhApproximation())) {
            Path file = dir.resolve("activations.onnx");
            OnnxExporter.export(model, file);
            OnnxModel read = OnnxModel.read(file);
            assertEquals(13, read.opset());
            assertEquals(List.of("Sigmoid", "Mul", "Div", "Erf", "Add", "Mul", "Mul", "Mul", "Mul", "Mul", "Add", "Mul",
                    "Tanh", "Add", "Mul", "Mul"), read.nodes().stream().map(OnnxNode::opType).toList());
            assertEquals(List.of("/0/Sigmoid", "/0/Mul"), read.nodes().subList(0, 2).stream().map(OnnxNode::name).toList());
            assertEquals(List.of("input", "/0/Sigmoid_output_0"), read.nodes().get(1).inputs(), "x·sigmoid(x), as PyTorch writes it");
            assertEquals("/2/Mul_5", read.nodes().get(15).name(), "one layer's nodes of one op are numbered");
            try (Sequential back = OnnxImporter.importModel(read)) {
                assertEquals(List.of("SiLU", "GELU", "GELU(tanh)"), back.layers().stream().map(Layer::describe).toList());
            }
        }
    }

    @Test
    void layersWithoutAnOnnxOperatorAreRefusedByName() {
        Layer own = new Layer() {
            @Override public String spec() { return "Swish beta=2"; }
            @Override public String describe() { return "Swish(β=2)"; }
            @Override public Shape outputShape(Shape input) { return input; }
            @Override public Op create(LayerContext context) { return new SiLU().create(context); }
        };
        try (Sequential model = new Sequential(Shape.of(4), new Linear(4, 2), own)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OnnxExporter.export(model, dir.resolve("x.onnx")));
            assertTrue(e.getMessage().startsWith("layer 1 Swish(β=2): conv4j exports "), e.getMessage());
            assertTrue(e.getMessage().endsWith(" to ONNX, not Swish"), e.getMessage());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "nothing is written for a refused model");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyLayerTypeOfConv4jButAUsersOwnIsExported() {
        assertEquals(Set.of("AdaptiveAvgPool2d", "AvgPool2d", "BatchNorm1d", "BatchNorm2d", "ChannelShuffle", "ChannelSlice",
                "Conv2d", "Dropout", "Flatten",
                "GELU", "GlobalAvgPool2d", "HardSigmoid", "HardSwish", "Identity", "LeakyReLU", "Linear", "LogSoftmax",
                "MaxPool2d", "ReLU", "ReLU6", "SiLU", "Sigmoid", "Softmax", "Tanh"), OnnxExporter.exportedLayerTypes());
    }

    /** The same layers, values and outputs, bit for bit. */
    private static void assertSameModel(Sequential expected, Sequential actual, int batch) {
        assertEquals(expected.layers().stream().map(Layer::spec).toList(), actual.layers().stream().map(Layer::spec).toList());
        assertArrayEquals(expected.parameters().toArray(), actual.parameters().toArray());
        if (expected.state() != null) {
            assertArrayEquals(expected.state().toArray(), actual.state().toArray());
        }
        RoundTripAssertions.assertSameOutputs(expected, actual, batch);
    }
}

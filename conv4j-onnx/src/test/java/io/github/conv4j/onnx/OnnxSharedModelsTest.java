package io.github.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The PyTorch exports of the shared folder read to the graphs their README describes. */
class OnnxSharedModelsTest {

    @Test
    void shippedCopiesEqualTheSharedFolder() throws IOException {
        Path shared = Path.of(System.getProperty("conv4j.onnx.shared.dir", "../shared/onnx"));
        assumeTrue(Files.isDirectory(shared), "no shared folder at " + shared);
        for (String name : concat(OnnxTestModels.SHARED_MODELS, OnnxTestModels.SHARED_CASES)) {
            assertArrayEquals(Files.readAllBytes(shared.resolve(name)),
                    Files.readAllBytes(OnnxTestModels.resource(name)), name + " differs from " + shared);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @Test
    void referenceCnn() throws IOException {
        OnnxModel model = read("reference_cnn.onnx", 4, 1, 28, 28);
        assertEquals(Map.of("Conv", 2, "Relu", 3, "MaxPool", 2, "Flatten", 1, "Gemm", 2), model.opTypeCounts());
        assertDims(model, "net.0.weight", 32, 1, 5, 5);
        assertDims(model, "net.3.weight", 64, 32, 5, 5);
        assertDims(model, "net.7.weight", 256, 3136);
        assertEquals(8, model.initializers().size());
        assertEquals(List.of("Conv", "Relu", "MaxPool"),
                model.nodes().subList(0, 3).stream().map(OnnxNode::opType).toList(), "topological order");
        assertEquals(List.of(), model.foldedNodes());
    }

    @Test
    void smallResnet() throws IOException {
        OnnxModel model = read("small_resnet_w8.onnx", 4, 3, 32, 32);
        assertEquals(Map.of("Conv", 9, "Relu", 7, "Add", 3, "GlobalAveragePool", 1, "Flatten", 1, "Gemm", 1),
                model.opTypeCounts());
        assertDims(model, "fc.weight", 10, 32);
        assertEquals(20, model.initializers().size());
    }

    @Test
    void smallResnetWithBatchNorm() throws IOException {
        OnnxModel model = read("small_resnet_w8_bn.onnx", 4, 3, 32, 32);
        assertEquals(Map.of("Conv", 9, "BatchNormalization", 9, "Relu", 7, "Add", 3, "GlobalAveragePool", 1,
                "Flatten", 1, "Gemm", 1), model.opTypeCounts());
        assertDims(model, "conv1.weight", 8, 3, 3, 3);
        assertDims(model, "bn1.running_var", 8);
        assertEquals(47, model.initializers().size());
        OnnxNode batchNorm = model.nodes().get(1);
        assertEquals("/bn1/BatchNormalization", batchNorm.name());
        assertEquals(1e-5f, ((OnnxAttribute.FloatAttribute) batchNorm.attribute("epsilon").orElseThrow()).value());
    }

    @Test
    void mobilenetV2() throws IOException {
        OnnxModel model = read("mobilenet_v2_w025.onnx", 2, 3, 32, 32);
        assertEquals(Map.of("Conv", 52, "Clip", 35, "Add", 11, "GlobalAveragePool", 1, "Flatten", 1, "Gemm", 1),
                model.opTypeCounts());
        assertDims(model, "classifier.1.weight", 10, 1280);
        assertEquals(106, model.initializers().size());
        // ReLU6 arrives as Clip whose bounds are Constant nodes: folded, they are plain constants.
        assertEquals(70, model.foldedNodes().size());
        OnnxNode clip = model.nodes().get(1);
        assertEquals("Clip", clip.opType());
        assertArrayEquals(new float[] {0f}, model.constant(clip.inputs().get(1)).orElseThrow().floats());
        assertArrayEquals(new float[] {6f}, model.constant(clip.inputs().get(2)).orElseThrow().floats());
        OnnxNode depthwise = model.nodes().get(2);
        assertEquals(8L, ((OnnxAttribute.IntAttribute) depthwise.attribute("group").orElseThrow()).value());
    }

    @Test
    void opsNet() throws IOException {
        OnnxModel model = read("ops_net.onnx", 3, 3, 14, 10);
        assertEquals(Map.ofEntries(Map.entry("Conv", 4), Map.entry("LeakyRelu", 1), Map.entry("MaxPool", 1),
                Map.entry("AveragePool", 2), Map.entry("Relu", 1), Map.entry("Sigmoid", 1), Map.entry("Tanh", 1),
                Map.entry("Clip", 1), Map.entry("Concat", 1), Map.entry("Flatten", 1), Map.entry("Gemm", 1),
                Map.entry("Softmax", 1)), model.opTypeCounts());
        assertEquals(List.of("Constant", "Constant"), model.foldedNodes().stream().map(OnnxNode::opType).toList());
        assertDims(model, "c4.weight", 6, 8, 3, 1);
        OnnxNode dilated = model.nodes().get(0);
        assertEquals(new OnnxAttribute.IntsAttribute("dilations", List.of(2L, 2L)),
                dilated.attribute("dilations").orElseThrow());
        assertEquals(Set.of("Concat", "Softmax"), model.unsupportedOpTypes(Set.of("Conv", "LeakyRelu", "MaxPool",
                "AveragePool", "Relu", "Sigmoid", "Tanh", "Clip", "Flatten", "Gemm")));
    }

    /** Reads a shipped model and checks what every one of them shares: opset 13, one input, [batch, 10] out. */
    private static OnnxModel read(String name, long... inputDims) throws IOException {
        OnnxModel model = OnnxModel.read(OnnxTestModels.resource(name));
        assertEquals(13, model.opset(), name);
        assertTrue(model.producer().startsWith("pytorch"), model.producer());
        assertEquals(1, model.inputs().size(), name);
        assertEquals(OnnxDataType.FLOAT, model.inputs().get(0).elementType());
        assertArrayEquals(inputDims, model.inputs().get(0).fixedDims().orElseThrow(), name);
        assertEquals(1, model.outputs().size(), name);
        assertArrayEquals(new long[] {inputDims[0], 10}, model.outputs().get(0).fixedDims().orElseThrow(), name);
        for (OnnxTensor weights : model.initializers().values()) {
            assertEquals(OnnxDataType.FLOAT, weights.dataType(), weights.name());
        }
        return model;
    }

    private static void assertDims(OnnxModel model, String initializer, long... dims) {
        OnnxTensor tensor = model.initializers().get(initializer);
        assertArrayEquals(dims, tensor.dims(), initializer);
        assertEquals(Arrays.stream(dims).reduce(1, Math::multiplyExact), tensor.floats().length, initializer);
    }
}

package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.OnnxTestModels.graph;
import static io.github.conv4j.onnx.OnnxTestModels.model;
import static io.github.conv4j.onnx.OnnxTestModels.node;
import static io.github.conv4j.onnx.OnnxTestModels.rawFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.onnx.proto.OnnxProtos.GraphProto;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node chains PyTorch exports for SiLU and GELU (opset 13 has no operator for them) import as
 * one layer each; chains that differ are left alone, and refused for the ops conv4j lacks.
 */
class OnnxActivationPatternsTest {
    private static final long[] SCALAR = new long[0];

    @TempDir
    Path dir;

    /** activations_net.onnx: torch.onnx's own export (scripts/make-onnx-activations.py), with PyTorch's output. */
    @Test
    void pytorchsSiluAndGeluChainsImportOntoASequentialAndMatchPyTorch() throws Exception {
        Path file = OnnxTestModels.resource("activations_net.onnx");
        assertEquals(List.of("Add", "Conv", "Div", "Erf", "Flatten", "Gemm", "GlobalAveragePool", "Mul", "Sigmoid", "Tanh"),
                List.copyOf(OnnxModel.read(file).opTypeCounts().keySet()), "the file holds the chains, not one op each");
        try (Sequential model = OnnxImporter.importModel(file)) {
            assertEquals(List.of("Conv2d(3→6, 3×3, pad 1)", "GELU", "Conv2d(6→6, 3×3)", "GELU(tanh)", "Conv2d(6→8, 1×1)",
                    "SiLU", "GlobalAvgPool2d", "Flatten", "Linear(8→5)", "SiLU"),
                    model.layers().stream().map(Layer::describe).toList());
            double error = OnnxImportSharedModelsTest.maxAbsError(model, "onnx_activations_net.case", 1e-4, 1e-5);
            System.out.println("activations_net.onnx: max abs error vs PyTorch " + error);
        }
        ReferenceCase reference = ReferenceCase.read(OnnxTestModels.resource("onnx_activations_net.case"));
        float[] x = reference.tensors().get("x");
        float[] onnxRuntime = OnnxRuntimeReference.run(file, x, reference.shapes().get("x"), reference.shapes().get("y"));
        try (Sequential model = OnnxImporter.importModel(file); Tensor input = Tensor.of(x, reference.shapes().get("x"))) {
            OnnxRuntimeReference.assertClose(onnxRuntime, model.forward(input).toArray(), 1e-4, 1e-5,
                    "activations_net.onnx: conv4j against ONNX Runtime");
        }
    }

    @Test
    void aDivisorOtherThanTheSquareRootOfTwoIsNoGelu() {
        GraphProto.Builder graph = graph(new long[] {1, 4}, new long[] {1, 4},
                List.of(rawFloats("two", SCALAR, 2f), rawFloats("one", SCALAR, 1f), rawFloats("half", SCALAR, 0.5f)),
                node("/Div", "Div", List.of("x", "two"), List.of("d")), node("/Erf", "Erf", List.of("d"), List.of("e")),
                node("/Add", "Add", List.of("e", "one"), List.of("a")), node("/Mul", "Mul", List.of("x", "a"), List.of("m")),
                node("/Mul_1", "Mul", List.of("m", "half"), List.of("y")));
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class, () -> importModel(graph));
        assertEquals("uses op types conv4j does not map: Div, Erf", e.detail().substring(0, e.detail().indexOf(" (")));
    }

    @Test
    void aGeluWhoseInnerValueIsReadElsewhereIsLeftAlone() {
        GraphProto.Builder graph = graph(new long[] {1, 4}, new long[] {1, 4},
                List.of(rawFloats("sqrt2", SCALAR, (float) Math.sqrt(2)), rawFloats("one", SCALAR, 1f),
                        rawFloats("half", SCALAR, 0.5f)),
                node("/Div", "Div", List.of("x", "sqrt2"), List.of("d")), node("/Erf", "Erf", List.of("d"), List.of("e")),
                node("/Add", "Add", List.of("e", "one"), List.of("a")), node("/Mul", "Mul", List.of("x", "a"), List.of("m")),
                node("/Mul_1", "Mul", List.of("m", "half"), List.of("g")),
                // The Erf's output is read a second time: fusing the chain would lose it.
                node("/Add_1", "Add", List.of("g", "e"), List.of("y")));
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class, () -> importGraph(graph));
        assertEquals("uses op types conv4j does not map: Div, Erf", e.detail().substring(0, e.detail().indexOf(" (")));
    }

    @Test
    void aSiluWhoseMulReadsAnotherValueIsASigmoidAndAMerge() throws IOException {
        // Sigmoid(x) times Relu(x) is no SiLU: it stays a Sigmoid layer and a Mul merge.
        GraphProto.Builder graph = graph(new long[] {1, 4}, new long[] {1, 4}, List.of(),
                node("/Sigmoid", "Sigmoid", List.of("x"), List.of("s")), node("/Relu", "Relu", List.of("x"), List.of("r")),
                node("/Mul", "Mul", List.of("r", "s"), List.of("y")));
        try (io.github.conv4j.nn.Graph model = importGraph(graph)) {
            assertEquals(List.of("input", "Sigmoid", "ReLU", "Mul"),
                    model.nodes().stream().map(n -> n.isInput() ? "input" : n.describe()).toList());
        }
    }

    @Test
    void aFilesOwnNodeOfTheFusedOpTypeIsRefused() {
        GraphProto.Builder graph = graph(new long[] {1, 4}, new long[] {1, 4}, List.of(),
                node("/act", "SiLU", List.of("x"), List.of("y")));
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class, () -> importModel(graph));
        assertEquals("node '/act' (SiLU) uses op type 'SiLU', which is no ai.onnx operator: conv4j reads SiLU and GELU "
                + "as the node chains PyTorch exports for them", e.detail());
    }

    private Sequential importModel(GraphProto.Builder graph) throws IOException {
        return OnnxImporter.importModel(OnnxTestModels.write(dir, "m.onnx", model(13, graph)));
    }

    private io.github.conv4j.nn.Graph importGraph(GraphProto.Builder graph) throws IOException {
        return OnnxImporter.importGraph(OnnxTestModels.write(dir, "m.onnx", model(13, graph)));
    }
}

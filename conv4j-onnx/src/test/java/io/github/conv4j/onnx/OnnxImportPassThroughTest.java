package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.OnnxTestModels.graph;
import static io.github.conv4j.onnx.OnnxTestModels.intAttribute;
import static io.github.conv4j.onnx.OnnxTestModels.longs;
import static io.github.conv4j.onnx.OnnxTestModels.model;
import static io.github.conv4j.onnx.OnnxTestModels.node;
import static io.github.conv4j.onnx.OnnxTestModels.rawFloats;
import static io.github.conv4j.onnx.OnnxTestModels.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Node;
import io.github.conv4j.onnx.proto.OnnxProtos.GraphProto;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nodes torchvision's exports contain that compute nothing: an Identity of a shared weight
 * (SqueezeNet, VGG, MobileNetV3, EfficientNet), DenseNet's Pad of zeros and its Concat of one
 * value. They import without layers of their own; a Pad that pads is refused.
 */
class OnnxImportPassThroughTest {
    @TempDir
    Path dir;

    @Test
    void anIdentityOfAnInitializerIsAConstantTheConvReadsAsItsWeight() throws IOException {
        GraphProto.Builder graph = graph(new long[] {1, 1, 1, 2}, new long[] {1, 1, 1, 2},
                List.of(rawFloats("conv.weight", new long[] {1, 1, 1, 1}, 3)),
                node("Identity_0", "Identity", List.of("conv.weight"), List.of("shared")),
                node("/conv/Conv", "Conv", List.of("x", "shared"), List.of("y")));
        try (Graph model = importGraph(graph)) {
            assertEquals(List.of("input", "conv.Conv"), model.nodes().stream().map(Node::name).toList());
            assertOutputs(model, new float[] {1, -2}, new float[] {3, -6});
        }
    }

    @Test
    void aPadOfZerosThenAConcatOfOneValueLeaveTheValueAsItIs() throws IOException {
        GraphProto.Builder graph = graph(new long[] {1, 1, 1, 2}, new long[] {1, 1, 1, 2},
                List.of(longs("pads", new long[] {8}, 0, 0, 0, 0, 0, 0, 0, 0)),
                node("/Relu", "Relu", List.of("x"), List.of("r")),
                node("/pool/Pad", "Pad", List.of("r", "pads"), List.of("p")),
                node("/Concat", "Concat", List.of("p"), List.of("y"), intAttribute("axis", 1)));
        try (Graph model = importGraph(graph)) {
            assertEquals(List.of("input", "Relu", "pool.Pad"), model.nodes().stream().map(Node::name).toList(),
                    "the Concat of one value adds no node");
            assertOutputs(model, new float[] {1, -2}, new float[] {1, 0});
        }
    }

    @Test
    void aPadThatPadsIsRefusedWithItsPads() {
        GraphProto.Builder graph = graph(new long[] {1, 1, 1, 2}, new long[] {1, 1, 3, 4},
                List.of(longs("pads", new long[] {8}, 0, 0, 1, 1, 0, 0, 1, 1)),
                node("/Pad", "Pad", List.of("x", "pads"), List.of("y")));
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class,
                () -> importGraph(graph).close());
        assertTrue(e.detail().startsWith("node '/Pad' (Pad): pads [0, 0, 1, 1, 0, 0, 1, 1]: conv4j has no padding "
                + "layer"), e.detail());
    }

    @Test
    void padsOfTheWrongLengthAreMalformed() {
        GraphProto.Builder graph = graph(new long[] {1, 1, 1, 2}, new long[] {1, 1, 1, 2},
                List.of(longs("pads", new long[] {4}, 0, 0, 0, 0)),
                node("/Pad", "Pad", List.of("x", "pads"), List.of("y")));
        MalformedOnnxModelException e = assertThrows(MalformedOnnxModelException.class,
                () -> importGraph(graph).close());
        assertTrue(e.detail().contains("has 4 values but its input [N, 1, 1, 2] needs 8"), e.detail());
    }

    private Graph importGraph(GraphProto.Builder graph) throws IOException {
        return OnnxImporter.importGraph(write(dir, "pass-through.onnx", model(13, graph)));
    }

    private static void assertOutputs(Graph model, float[] x, float[] expected) {
        try (Tensor input = Tensor.of(x, model.sampleInput().prependBatch(1).dims())) {
            assertArrayEquals(expected, model.forward(input).toArray(), 1e-6f);
        }
    }
}

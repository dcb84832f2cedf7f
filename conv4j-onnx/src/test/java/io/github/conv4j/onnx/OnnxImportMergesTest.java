package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.OnnxTestModels.graph;
import static io.github.conv4j.onnx.OnnxTestModels.intAttribute;
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

/** Hand-built graphs through {@link OnnxImporter#importGraph}: the merges, fan-out, naming and refusals. */
class OnnxImportMergesTest {
    @TempDir
    Path dir;

    @Test
    void aSigmoidGateFansOutAndMultipliesEachChannel() throws IOException {
        GraphProto.Builder graph = graph(new long[] {1, 2, 1, 2}, new long[] {1, 2, 1, 2}, List.of(),
                node("/pool/GlobalAveragePool", "GlobalAveragePool", List.of("x"), List.of("m")),
                node("/gate/Sigmoid", "Sigmoid", List.of("m"), List.of("g")),
                node("/Mul", "Mul", List.of("x", "g"), List.of("y")));
        try (Graph model = importGraph(graph)) {
            assertEquals(List.of("input", "pool.GlobalAveragePool", "gate.Sigmoid", "Mul"),
                    model.nodes().stream().map(Node::name).toList());
            float[] x = {1, 3, -2, 0};
            float g0 = sigmoid(2), g1 = sigmoid(-1);
            assertOutputs(model, x, new float[] {g0, 3 * g0, -2 * g1, 0});
        }
    }

    @Test
    void matMulKeepsItsBiasAddWhenItsOutputHasOneReader() throws IOException {
        GraphProto.Builder graph = graph(new long[] {1, 2}, new long[] {1, 2},
                List.of(rawFloats("fc.weight", new long[] {2, 2}, 1, 2, 3, 4), rawFloats("fc.bias", new long[] {2}, 10, 20)),
                node("/fc/MatMul", "MatMul", List.of("x", "fc.weight"), List.of("p")),
                node("/fc/Add", "Add", List.of("p", "fc.bias"), List.of("y")));
        try (Graph model = importGraph(graph)) {
            assertEquals(List.of("input", "fc"), model.nodes().stream().map(Node::name).toList(),
                    "the weight initializer's PyTorch path names the node");
            assertArrayEquals(new float[] {10, 20}, model.namedParameters().get("fc.bias").toArray());
            assertOutputs(model, new float[] {1, -1}, new float[] {1 - 3 + 10, 2 - 4 + 20});
        }
    }

    /**
     * A node naming one value twice is that value's one reader (ValueReaders), in every pass: the
     * graph squares it, and the Sequential import refuses the Mul as a join of two computed values,
     * not the Relu as branching into two nodes (which the Mul, counted twice, was).
     */
    @Test
    void aNodeReadingOneValueTwiceIsItsOneReader() throws IOException {
        GraphProto.Builder graph = graph(new long[] {1, 4}, new long[] {1, 4}, List.of(),
                node("/Relu", "Relu", List.of("x"), List.of("r")), node("/Mul", "Mul", List.of("r", "r"), List.of("y")));
        try (Graph model = importGraph(graph)) {
            assertEquals(List.of("input", "Relu", "Mul"), model.nodes().stream().map(Node::name).toList());
            assertOutputs(model, new float[] {-2, 0, 1.5f, 3}, new float[] {0, 0, 2.25f, 9});
        }
        Path file = write(dir, "square.onnx", model(13, graph));
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class,
                () -> OnnxImporter.importModel(file).close());
        assertEquals("node '/Mul' (Mul) joins 2 computed values [r, r]: a Sequential is a chain of nodes; "
                + "OnnxImporter.importGraph imports it onto a Graph", e.detail());
    }

    /** The MatMul's one reader adds the product to itself: no bias to take over, a merge of the product with itself. */
    @Test
    void matMulKeepsNoBiasFromAnAddOfItsProductToItself() throws IOException {
        GraphProto.Builder graph = graph(new long[] {1, 2}, new long[] {1, 2},
                List.of(rawFloats("fc.weight", new long[] {2, 2}, 1, 2, 3, 4)),
                node("/fc/MatMul", "MatMul", List.of("x", "fc.weight"), List.of("p")),
                node("/fc/Add", "Add", List.of("p", "p"), List.of("y")));
        try (Graph model = importGraph(graph)) {
            assertEquals(3, model.nodes().size(), "the Add stays a node of its own");
            assertEquals(1, model.namedParameters().size(), "a weight and no bias");
            assertOutputs(model, new float[] {1, -1}, new float[] {2 * (1 - 3), 2 * (2 - 4)});
        }
    }

    @Test
    void addOfAComputedValueAndAConstantIsRefused() {
        GraphProto.Builder graph = graph(new long[] {1, 4}, new long[] {1, 4},
                List.of(rawFloats("c", new long[] {4}, 1, 2, 3, 4)),
                node("/Relu", "Relu", List.of("x"), List.of("a")), node("/Add", "Add", List.of("a", "c"), List.of("y")));
        assertRefused(graph, "node '/Add' (Add): it combines a constant with computed values: conv4j's merge layers "
                + "have no parameters, so it maps Add only of values the graph computes");
    }

    @Test
    void concatOutsideTheChannelsIsRefused() {
        GraphProto.Builder graph = graph(new long[] {1, 2, 3, 3}, new long[] {1, 2, 6, 3}, List.of(),
                node("/Relu", "Relu", List.of("x"), List.of("a")),
                node("/Concat", "Concat", List.of("a", "x"), List.of("y"), intAttribute("axis", 2)));
        assertRefused(graph, "node '/Concat' (Concat): it concatenates along axis 2 of [N, 2, 3, 3]: conv4j's Concat "
                + "joins channels (axis 1)");
    }

    @Test
    void mulOfShapesThatAreNotAGateIsRefusedWithTheShapes() {
        GraphProto.Builder graph = graph(new long[] {1, 2, 3, 3}, new long[] {1, 2, 3, 3}, List.of(),
                node("/Pool", "GlobalAveragePool", List.of("x"), List.of("p")),
                node("/Flatten", "Flatten", List.of("p"), List.of("f")),
                node("/Mul", "Mul", List.of("x", "f"), List.of("y")));
        UnsupportedOnnxModelException e = assertRefused(graph, "node '/Mul' (Mul): conv4j's Mul refuses its inputs: ");
        assertTrue(e.detail().contains("[N, 2, 3, 3] and [N, 2]"), e.detail());
    }

    @Test
    void aNodeThatLeadsNowhereIsRefused() {
        GraphProto.Builder graph = graph(new long[] {1, 4}, new long[] {1, 4}, List.of(),
                node("/Dead", "Sigmoid", List.of("x"), List.of("unused")), node("/Relu", "Relu", List.of("x"), List.of("y")));
        UnsupportedOnnxModelException e = assertRefused(graph, "conv4j refuses the graph: ");
        assertTrue(e.detail().contains("'Dead' does not lead to the output"), e.detail());
    }

    private UnsupportedOnnxModelException assertRefused(GraphProto.Builder graph, String expectedStart) {
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class, () -> importGraph(graph).close());
        assertTrue(e.detail().startsWith(expectedStart), e.detail());
        return e;
    }

    private Graph importGraph(GraphProto.Builder graph) throws IOException {
        return OnnxImporter.importGraph(write(dir, "merges.onnx", model(13, graph)));
    }

    private static float sigmoid(float v) {
        return (float) (1 / (1 + Math.exp(-v)));
    }

    private static void assertOutputs(Graph model, float[] x, float[] expected) {
        try (Tensor input = Tensor.of(x, model.sampleInput().prependBatch(1).dims())) {
            assertArrayEquals(expected, model.forward(input).toArray(), 1e-6f);
        }
    }
}

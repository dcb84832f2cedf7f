package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.OnnxTestModels.intAttribute;
import static io.github.conv4j.onnx.OnnxTestModels.intsAttribute;
import static io.github.conv4j.onnx.OnnxTestModels.longs;
import static io.github.conv4j.onnx.OnnxTestModels.model;
import static io.github.conv4j.onnx.OnnxTestModels.node;
import static io.github.conv4j.onnx.OnnxTestModels.rawFloats;
import static io.github.conv4j.onnx.OnnxTestModels.tensorAttribute;
import static io.github.conv4j.onnx.OnnxTestModels.tensorValue;
import static io.github.conv4j.onnx.OnnxTestModels.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.conv4j.nn.Graph;
import io.github.conv4j.onnx.proto.OnnxProtos.GraphProto;
import io.github.conv4j.onnx.proto.OnnxProtos.NodeProto;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shape arithmetic no exporter writes, as a hostile file can: the folder computes what the
 * specification says where that is defined (a Slice stepping by INT64_MAX, a negative step over
 * nothing) and refuses the rest naming the node (an overflowing Div, a Concat or Unsqueeze that
 * would pile up more values than the file's bytes justify), never with an exception of its own;
 * and a file of many Shapes imports in time linear in them.
 */
class OnnxHostileShapeArithmeticTest {
    private static final long[] X = {1, 4, 3, 5};

    @TempDir
    Path dir;

    private static NodeProto constant(String output, long... values) {
        return node("/" + output, "Constant", List.of(), List.of(output), tensorAttribute("value",
                longs("", new long[] {values.length}, values)));
    }

    /** x of fixed shape X through a Relu to y, with {@code nodes} of shape arithmetic beside it. */
    private static GraphProto.Builder beside(NodeProto... nodes) {
        return GraphProto.newBuilder().setName("arithmetic").addInput(tensorValue("x", X)).addOutput(tensorValue("y", X))
                .addAllNode(List.of(nodes)).addNode(node("/Relu", "Relu", List.of("x"), List.of("y")));
    }

    private OnnxModel read(int opset, GraphProto.Builder graph) throws IOException {
        return OnnxModel.read(write(dir, "arithmetic.onnx", model(opset, graph)));
    }

    /** The message of the refusal of {@code graph}'s file, without the file's name. */
    private <T extends OnnxModelException> String refusal(Class<T> type, GraphProto.Builder graph) throws IOException {
        Path file = write(dir, "refused.onnx", model(13, graph));
        T e = assertThrows(type, () -> OnnxModel.read(file));
        return e.getMessage().substring(file.toString().length() + 2);
    }

    @Test
    void aSliceSteppingPastInt64FoldsAsTheSpecificationSays() throws IOException {
        // shape[1::INT64_MAX] is [4]; shape[3::INT64_MIN] is [5]: one step, then past either end.
        OnnxModel model = read(13, beside(node("/Shape", "Shape", List.of("x"), List.of("s")),
                constant("one", 1), constant("three", 3), constant("end", Long.MAX_VALUE),
                constant("start", Long.MIN_VALUE), constant("axis", 0), constant("max", Long.MAX_VALUE),
                constant("min", Long.MIN_VALUE),
                node("/Slice", "Slice", List.of("s", "one", "end", "axis", "max"), List.of("up")),
                node("/Slice_1", "Slice", List.of("s", "three", "start", "axis", "min"), List.of("down"))));
        assertArrayEquals(new long[] {4}, model.constant("up").orElseThrow().longs());
        assertArrayEquals(new long[] {5}, model.constant("down").orElseThrow().longs());
    }

    @Test
    void aNegativeStepOverAnEmptyValueTakesNothing() throws IOException {
        // Shape with start 2 and end 1 (opset 15) is empty; reversing it gives nothing, not its first entry.
        OnnxModel model = read(15, beside(node("/Shape", "Shape", List.of("x"), List.of("empty"),
                intAttribute("start", 2), intAttribute("end", 1)), constant("zero", 0), constant("end", Long.MIN_VALUE),
                constant("axis", 0), constant("back", -1),
                node("/Slice", "Slice", List.of("empty", "zero", "end", "axis", "back"), List.of("t"))));
        assertArrayEquals(new long[] {0}, model.constant("t").orElseThrow().dims());
    }

    @Test
    void aDivisionPastInt64IsRefusedLikeAnOverflowingProduct() throws IOException {
        assertEquals("node '/Div' (Div) overflows 64 bits ('a' -9223372036854775808, 'b' -1)",
                refusal(MalformedOnnxModelException.class, beside(constant("a", Long.MIN_VALUE), constant("b", -1),
                        node("/Div", "Div", List.of("a", "b"), List.of("q")))));
    }

    @Test
    void aConcatRepeatingItsInputsIsRefusedBeforeItsValuesAreAllocated() throws IOException {
        // 8 values, then 64 copies of each level: 512, 32768, then 2^21 at /Concat_3, which would go on to 2^39.
        GraphProto.Builder graph = beside(constant("v0", 1, 2, 3, 4, 5, 6, 7, 8));
        for (int level = 1; level <= 5; level++) {
            graph.addNode(node("/Concat_" + level, "Concat", Collections.nCopies(64, "v" + (level - 1)),
                    List.of("v" + level), intAttribute("axis", 0)));
        }
        assertEquals("node '/Concat_3' (Concat): folding it computes 2097152 values after 33280 for the nodes before "
                + "it, past the 1048576 that conv4j evaluates of a model's shape arithmetic",
                refusal(UnsupportedOnnxModelException.class, graph));
    }

    @Test
    void unsqueezesPilingUpDimsAreRefusedToo() throws IOException {
        // Each Unsqueeze adds 4096 axes to the value before it: their dims grow as the square of the nodes.
        long[] axes = new long[4096];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        GraphProto.Builder graph = beside(constant("v0", 7)).addInitializer(longs("axes", new long[] {axes.length}, axes));
        for (int level = 1; level <= 100; level++) {
            graph.addNode(node("/Unsqueeze_" + level, "Unsqueeze", List.of("v" + (level - 1), "axes"),
                    List.of("v" + level)));
        }
        String message = refusal(UnsupportedOnnxModelException.class, graph);
        // 1 + 4096 k dims at the k-th: the sum passes 2^20 at the 23rd.
        assertEquals("node '/Unsqueeze_23' (Unsqueeze): folding it computes 94209 values after 1036310 for the nodes "
                + "before it, past the 1048576 that conv4j evaluates of a model's shape arithmetic", message);
    }

    @Test
    void aConcatOfAnOmittedInputAndTheSymbolicBatchIsRefusedNamingTheNode() throws IOException {
        GraphProto.Builder graph = afterConv(node("/Shape", "Shape", List.of("c"), List.of("s")),
                node("/Concat", "Concat", List.of("s", ""), List.of("t"), intAttribute("axis", 0)),
                node("/Reshape", "Reshape", List.of("c", "t"), List.of("y")));
        graph.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0)
                .setDimParam("N");
        Path file = write(dir, "omitted.onnx", model(13, graph));
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class,
                () -> OnnxImporter.importGraph(file));
        assertEquals(file + ": node '/Concat' (Concat) reads only constants: conv4j maps nodes that compute from the "
                + "graph's input", e.getMessage());
    }

    private static GraphProto.Builder afterConv(NodeProto... nodes) {
        float[] identity = new float[16];
        for (int c = 0; c < 4; c++) {
            identity[c * 5] = 1;
        }
        return GraphProto.newBuilder().setName("after").addInput(tensorValue("x", X)).addOutput(tensorValue("y", X))
                .addInitializer(rawFloats("w", new long[] {4, 4, 1, 1}, identity))
                .addNode(node("/Conv", "Conv", List.of("x", "w"), List.of("c"), intsAttribute("kernel_shape", 1, 1)))
                .addAllNode(List.of(nodes));
    }

    @Test
    void aFileOfManyShapesOfOneFeatureMapImportsInLinearTime() throws IOException {
        // 100000 readers of one value (2 MB): a copy of the model per folded Shape and a list's contains per
        // reader made this minutes; it is under half a second.
        NodeProto[] nodes = new NodeProto[100_001];
        for (int i = 0; i < nodes.length - 1; i++) {
            nodes[i] = node("", "Shape", List.of("c"), List.of("s" + i));
        }
        nodes[nodes.length - 1] = node("/Relu", "Relu", List.of("c"), List.of("y"));
        OnnxModel model = OnnxModel.read(write(dir, "shapes.onnx", model(13, afterConv(nodes))));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (Graph graph = OnnxImporter.importGraph(model)) {
                assertEquals(List.of("input", "Conv", "Relu"), graph.nodes().stream().map(n -> n.name()).toList());
            }
        });
    }
}

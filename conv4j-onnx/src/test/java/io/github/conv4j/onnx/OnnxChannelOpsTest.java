package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.OnnxTestModels.intAttribute;
import static io.github.conv4j.onnx.OnnxTestModels.intsAttribute;
import static io.github.conv4j.onnx.OnnxTestModels.longs;
import static io.github.conv4j.onnx.OnnxTestModels.model;
import static io.github.conv4j.onnx.OnnxTestModels.node;
import static io.github.conv4j.onnx.OnnxTestModels.rawFloats;
import static io.github.conv4j.onnx.OnnxTestModels.tensorValue;
import static io.github.conv4j.onnx.OnnxTestModels.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Node;
import io.github.conv4j.onnx.proto.OnnxProtos.GraphProto;
import io.github.conv4j.onnx.proto.OnnxProtos.NodeProto;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ShuffleNetV2's channel ops as PyTorch writes them, built node by node: torchvision's
 * channel_shuffle traced on a computed value (Shape, Gather, Div, Unsqueeze, Concat, Reshape,
 * Transpose, Reshape) and x.chunk's half (Gather, Add, Div, Mul, Slice), folded and mapped, with
 * outputs worked out by hand; Split in both forms; and the refusals of what conv4j does not map,
 * each one line naming the node and the value.
 */
class OnnxChannelOpsTest {
    /** x [2, 4, 3, 3]: sample n, channel c, pixel p holds 100n + 10c + p. */
    private static final long[] X = {2, 4, 3, 3};

    @TempDir
    Path dir;

    private static float[] input() {
        float[] x = new float[72];
        for (int i = 0; i < x.length; i++) {
            x[i] = 100 * (i / 36) + 10 * (i / 9 % 4) + i % 9;
        }
        return x;
    }

    /** The input's channels {@code order} of each sample, one after another. */
    private static float[] channels(int... order) {
        float[] x = input();
        float[] out = new float[2 * order.length * 9];
        for (int n = 0; n < 2; n++) {
            for (int i = 0; i < order.length; i++) {
                System.arraycopy(x, (n * 4 + order[i]) * 9, out, (n * order.length + i) * 9, 9);
            }
        }
        return out;
    }

    /**
     * x, a 1×1 convolution of identity weights (so that what follows reads a computed value,
     * whose shape only the import knows), then {@code nodes} to y of {@code out}.
     */
    private static GraphProto.Builder afterConv(long[] out, NodeProto... nodes) {
        float[] identity = new float[16];
        for (int c = 0; c < 4; c++) {
            identity[c * 5] = 1;
        }
        return GraphProto.newBuilder().setName("channels").addInput(tensorValue("x", X)).addOutput(tensorValue("y", out))
                .addInitializer(rawFloats("conv.weight", new long[] {4, 4, 1, 1}, identity))
                .addNode(node("/conv/Conv", "Conv", List.of("x", "conv.weight"), List.of("c"),
                        intsAttribute("kernel_shape", 1, 1)))
                .addAllNode(List.of(nodes));
    }

    private static NodeProto constant(String output, long... values) {
        return node("/" + output, "Constant", List.of(), List.of(output), OnnxTestModels.tensorAttribute("value",
                longs("", new long[] {values.length}, values)));
    }

    private static NodeProto scalar(String output, long value) {
        return node("/" + output, "Constant", List.of(), List.of(output), OnnxTestModels.tensorAttribute("value",
                longs("", new long[0], value)));
    }

    /**
     * channel_shuffle(in, groups) as traced: b, ch, h, w gathered from Shape as scalars, ch // groups,
     * each unsqueezed and concatenated into the shapes of the Reshapes around the Transpose.
     */
    private static List<NodeProto> shuffle(String in, String out, long groups) {
        List<NodeProto> nodes = new java.util.ArrayList<>(List.of(node("/Shape", "Shape", List.of(in), List.of("s")),
                scalar("i0", 0), scalar("i1", 1), scalar("i2", 2), scalar("i3", 3), scalar("g", groups),
                constant("groups", groups), constant("minus1", -1), constant("axes", 0),
                node("/Div", "Div", List.of("ch", "g"), List.of("perGroup"))));
        for (String dim : List.of("b", "ch", "h", "w")) {
            String index = "i" + List.of("b", "ch", "h", "w").indexOf(dim);
            nodes.add(node("/Gather_" + dim, "Gather", List.of("s", index), List.of(dim), intAttribute("axis", 0)));
        }
        for (String dim : List.of("b", "perGroup", "h", "w")) {
            nodes.add(node("/Unsqueeze_" + dim, "Unsqueeze", List.of(dim, "axes"), List.of(dim + "1")));
        }
        nodes.addAll(List.of(
                node("/Concat", "Concat", List.of("b1", "groups", "perGroup1", "h1", "w1"), List.of("grouped"),
                        intAttribute("axis", 0)),
                node("/Reshape", "Reshape", List.of(in, "grouped"), List.of("r")),
                node("/Transpose", "Transpose", List.of("r"), List.of("t"), intsAttribute("perm", 0, 2, 1, 3, 4)),
                node("/Concat_1", "Concat", List.of("b1", "minus1", "h1", "w1"), List.of("joined"),
                        intAttribute("axis", 0)),
                node("/Reshape_1", "Reshape", List.of("t", "joined"), List.of(out))));
        return nodes;
    }

    private float[] run(GraphProto.Builder graph, int opset) throws IOException {
        Path file = write(dir, "channels.onnx", model(opset, graph));
        try (Graph model = OnnxImporter.importGraph(file); Tensor x = Tensor.of(input(), 2, 4, 3, 3)) {
            return model.forward(x).toArray();
        }
    }

    @Test
    void tracedShuffleAndChunkFoldAndMapOntoChannelLayers() throws IOException {
        GraphProto.Builder graph = afterConv(new long[] {2, 2, 3, 3}, shuffle("c", "shuffled", 2).toArray(NodeProto[]::new))
                // the first half of shuffled.chunk(2, dim=1): ends = (C + 1) // 2 * 1
                .addNode(node("/Shape_1", "Shape", List.of("shuffled"), List.of("s1")))
                .addNode(constant("one", 1)).addNode(constant("zero", 0)).addNode(constant("two", 2))
                .addNode(node("/Gather_4", "Gather", List.of("s1", "one"), List.of("c1")))
                .addNode(node("/Add", "Add", List.of("c1", "one"), List.of("c2")))
                .addNode(node("/Div_1", "Div", List.of("c2", "two"), List.of("half")))
                .addNode(node("/Mul", "Mul", List.of("half", "one"), List.of("end")))
                .addNode(node("/Slice", "Slice", List.of("shuffled", "zero", "end", "one"), List.of("y")));
        Path file = write(dir, "shuffle.onnx", model(13, graph));
        // Reading folds only the Constants: the Shapes read computed values.
        assertTrue(OnnxModel.read(file).nodes().stream().anyMatch(n -> n.opType().equals("Shape")));
        try (Graph model = OnnxImporter.importGraph(file); Tensor x = Tensor.of(input(), 2, 4, 3, 3)) {
            assertEquals(List.of("Conv2d(4→4, 1×1, no bias)", "ChannelShuffle(2 groups)", "ChannelSlice(0:2)"),
                    model.nodes().stream().filter(n -> !n.isInput()).map(n -> n.layer().orElseThrow().describe()).toList());
            // 4 channels in 2 groups [0 1 | 2 3] shuffle to 0 2 1 3; the first half is 0 2.
            assertArrayEquals(channels(0, 2), model.forward(x).toArray());
        }
    }

    @Test
    void splitInTheOpset13InputFormAndTheOpset11AttributeForm() throws IOException {
        NodeProto concat = node("/Concat", "Concat", List.of("b", "a"), List.of("y"), intAttribute("axis", 1));
        assertArrayEquals(channels(1, 2, 3, 0), run(afterConv(X, constant("sizes", 1, 3),
                node("/Split", "Split", List.of("c", "sizes"), List.of("a", "b"), intAttribute("axis", 1)), concat), 13));
        assertArrayEquals(channels(1, 2, 3, 0), run(afterConv(X, node("/Split", "Split", List.of("c"), List.of("a", "b"),
                intAttribute("axis", 1), intsAttribute("split", 1, 3)), concat), 11));
        assertArrayEquals(channels(2, 3, 0, 1), run(afterConv(X, node("/Split", "Split", List.of("c"), List.of("a", "b"),
                intAttribute("axis", -3)), concat), 13), "no sizes: equal halves");
    }

    /** The file of a graph, and the one-line message its import is refused with. */
    private String refusal(GraphProto.Builder graph, int opset) throws IOException {
        Path file = write(dir, "refused.onnx", model(opset, graph));
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> OnnxImporter.importGraph(file));
        assertTrue(e.getMessage().startsWith(file + ": ") && !e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage().substring(file.toString().length() + 2);
    }

    @Test
    void otherSlicesSplitsTransposesAndReshapesAreRefusedNamingTheNode() throws IOException {
        long[] half = {2, 2, 3, 3};
        assertEquals("node '/Slice' (Slice): step 2 ('steps'): conv4j's ChannelSlice takes consecutive channels "
                + "(step 1)", refusal(afterConv(half, constant("zero", 0), constant("end", 4), constant("one", 1),
                constant("steps", 2), node("/Slice", "Slice", List.of("c", "zero", "end", "one", "steps"),
                List.of("y"))), 13));
        assertEquals("node '/Slice' (Slice): it cuts along axis 2 of [N, 4, 3, 3]: conv4j maps Slice along the "
                + "channels (axis 1) only", refusal(afterConv(new long[] {2, 4, 1, 3}, constant("zero", 0),
                constant("end", 1), constant("axis", 2), node("/Slice", "Slice", List.of("c", "zero", "end", "axis"),
                List.of("y"))), 13));
        assertEquals("node '/Split' (Split): split [1, 2] does not divide the 4 channels of [N, 4, 3, 3] into its 2 "
                + "outputs", refusal(afterConv(X, constant("sizes", 1, 2), node("/Split", "Split", List.of("c", "sizes"),
                List.of("a", "y"), intAttribute("axis", 1))), 13));
        assertEquals("node '/Transpose' (Transpose): perm [0, 1, 3, 2] on [N, 4, 3, 3]: conv4j keeps N×C×H×W and maps "
                + "a Transpose only inside ShuffleNet's channel shuffle, Reshape to [N, g, C/g, H, W], Transpose perm "
                + "[0, 2, 1, 3, 4], Reshape to [N, C, H, W], each value read by the next node alone",
                refusal(afterConv(X, node("/Transpose", "Transpose", List.of("c"), List.of("y"),
                        intsAttribute("perm", 0, 1, 3, 2))), 13));
        assertEquals("node '/Reshape' (Reshape): reshapes [N, 4, 3, 3] to [2, 2, 2, 3, 3]: conv4j maps a Reshape to "
                + "[N, -1] (a Flatten), and one to [N, g, C/g, H, W] only as the start of a channel shuffle (Reshape, "
                + "Transpose perm [0, 2, 1, 3, 4], Reshape)", refusal(afterConv(new long[] {2, 2, 2, 3, 3},
                constant("grouped", 2, 2, 2, 3, 3), node("/Reshape", "Reshape", List.of("c", "grouped"), List.of("y"))),
                13));
    }

    /**
     * The last Reshape reads the transposed value as its shape too: still that value's one reader,
     * but no shuffle (the fused node would read the value it replaces), so the first Reshape is
     * refused as any Reshape to a grouped shape is.
     */
    @Test
    void aReshapeOfTheTransposedValueByItselfIsNoShuffle() throws IOException {
        List<NodeProto> nodes = shuffle("c", "y", 2);
        nodes.replaceAll(n -> n.getName().equals("/Reshape_1") ? n.toBuilder().setInput(1, "t").build() : n);
        assertEquals("node '/Reshape' (Reshape): reshapes [N, 4, 3, 3] to [2, 2, 2, 3, 3]: conv4j maps a Reshape to "
                + "[N, -1] (a Flatten), and one to [N, g, C/g, H, W] only as the start of a channel shuffle (Reshape, "
                + "Transpose perm [0, 2, 1, 3, 4], Reshape)", refusal(afterConv(X, nodes.toArray(NodeProto[]::new)), 13));
    }

    /** ChannelShuffle is the op type of a recognised shuffle, no ai.onnx operator: a file's own node of it is refused. */
    @Test
    void aFilesOwnChannelShuffleNodeIsRefused() throws IOException {
        assertEquals("node '/ChannelShuffle' (ChannelShuffle) uses op type 'ChannelShuffle', which is no ai.onnx operator: "
                + "conv4j reads a channel shuffle as the Reshape, Transpose, Reshape PyTorch exports for it",
                refusal(afterConv(X, node("/ChannelShuffle", "ChannelShuffle", List.of("c"), List.of("y"))), 13));
    }

    @Test
    void aShuffleWhoseShapesDoNotFitIsRefused() throws IOException {
        assertEquals("node '/ChannelShuffle' (ChannelShuffle): reshapes [N, 4, 3, 3] to [2, 3, 1, 3, 3], transposes "
                + "and reshapes to [2, -1, 3, 3]: conv4j maps Reshape to [N, g, C/g, H, W], Transpose perm "
                + "[0, 2, 1, 3, 4], Reshape to [N, C, H, W] (a ChannelShuffle of g groups)",
                refusal(afterConv(X, shuffle("c", "y", 3).toArray(NodeProto[]::new)), 13));
    }

    @Test
    void aShuffleWhosePermDoesNotNameEachAxisIsRefused() throws IOException {
        List<NodeProto> nodes = shuffle("c", "y", 2);
        nodes.replaceAll(n -> n.getOpType().equals("Transpose") ? n.toBuilder().setAttribute(0,
                intsAttribute("perm", 0, 2, 1)).build() : n);
        assertEquals("node '/ChannelShuffle' (ChannelShuffle): its Transpose has perm [0, 2, 1] for the grouped shape "
                + "[2, 2, 2, 3, 3] of rank 5: a perm names every axis once", refusal(afterConv(X,
                nodes.toArray(NodeProto[]::new)), 13));
    }

    private static GraphProto.Builder unfixedBatch(GraphProto.Builder graph) {
        graph.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0)
                .setDimParam("N");
        return graph;
    }

    /** Exported with a dynamic batch, the shuffle's shapes start with the batch: it folds to 0, "the input's". */
    @Test
    void anUnfixedBatchStaysSymbolicThroughTheShuffle() throws IOException {
        Path file = write(dir, "dynamic.onnx", model(13, unfixedBatch(afterConv(X,
                shuffle("c", "y", 2).toArray(NodeProto[]::new)))));
        try (Graph model = OnnxImporter.importGraph(file)) {
            for (int batch : new int[] {2, 1}) {
                try (Tensor x = Tensor.of(java.util.Arrays.copyOf(input(), batch * 36), batch, 4, 3, 3)) {
                    float[] expected = java.util.Arrays.copyOf(channels(0, 2, 1, 3), batch * 36);
                    assertArrayEquals(expected, model.forward(x).toArray(), "batch " + batch);
                }
            }
        }
        // Computing with the batch (here a Slice's end) needs its value, which only a fixed batch gives.
        assertEquals("node '/Slice' (Slice) reads 'b1', computed from the batch size, which the graph input does not "
                + "fix: conv4j maps the batch only as the first entry of a Reshape's shape (export with a fixed batch "
                + "size)", refusal(unfixedBatch(afterConv(new long[] {2, 2, 3, 3}, node("/Shape", "Shape", List.of("c"),
                List.of("s")), scalar("i0", 0), constant("axes", 0), constant("zero", 0), constant("one", 1),
                node("/Gather", "Gather", List.of("s", "i0"), List.of("b"), intAttribute("axis", 0)),
                node("/Unsqueeze", "Unsqueeze", List.of("b", "axes"), List.of("b1")),
                node("/Slice", "Slice", List.of("c", "zero", "b1", "one"), List.of("y")))), 13));
    }

    /**
     * A file open in N, H and W (a {@code --dynamic-hw} export) whose shuffle computes its shapes:
     * imported at each input shape given, the Shapes fold from it and the batch stays free.
     */
    @Test
    void anOpenShuffleImportsAtTheInputShapeGiven() throws IOException {
        GraphProto.Builder graph = afterConv(X, shuffle("c", "y", 2).toArray(NodeProto[]::new));
        for (var shape : List.of(graph.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder(),
                graph.getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder())) {
            shape.getDimBuilder(0).setDimParam("N");
            shape.getDimBuilder(2).setDimParam("H");
            shape.getDimBuilder(3).setDimParam("W");
        }
        Path file = write(dir, "open.onnx", model(13, graph));
        for (int[] hw : new int[][] {{3, 3}, {2, 5}}) {
            int plane = hw[0] * hw[1];
            float[] x = new float[3 * 4 * plane];
            for (int i = 0; i < x.length; i++) {
                x[i] = i;
            }
            float[] expected = new float[x.length];
            int[] order = {0, 2, 1, 3};
            for (int n = 0; n < 3; n++) {
                for (int c = 0; c < 4; c++) {
                    System.arraycopy(x, (n * 4 + order[c]) * plane, expected, (n * 4 + c) * plane, plane);
                }
            }
            try (Graph model = OnnxImporter.importGraph(file, OnnxImportOptions.defaults().inputShape(4, hw[0], hw[1]));
                    Tensor input = Tensor.of(x, 3, 4, hw[0], hw[1])) {
                assertArrayEquals(expected, model.forward(input).toArray(), hw[0] + "x" + hw[1]);
            }
        }
    }

    @Test
    void aGraphWithoutChannelOpsImportsAsBefore() throws IOException {
        Path file = write(dir, "conv.onnx", model(13, afterConv(X, node("/Relu", "Relu", List.of("c"), List.of("y")))));
        try (Graph model = OnnxImporter.importGraph(file)) {
            assertEquals(List.of("input", "conv", "Relu"), model.nodes().stream().map(Node::name).toList());
        }
    }
}

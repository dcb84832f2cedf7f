package io.github.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.ChannelShuffle;
import io.github.conv4j.nn.ChannelSlice;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Node;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A small ShuffleNetV2 of torchvision's own units, exported by torch.onnx
 * ({@code scripts/make-onnx-shufflenet.py}: a stride-2 unit, a stride-1 unit whose chunk is
 * Shape, Gather, Add, Div, Mul, Slice, and an uneven torch.split) at opsets 13 and 11: imported,
 * it matches PyTorch's output, and for training PyTorch's input gradient and a convolution's
 * weight gradient; exported again, it reads back to the same graph.
 */
class OnnxShuffleNetImportTest {
    private static final String CASE = "onnx_shuffle_net.case";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"shuffle_net.onnx", "shuffle_net_op11.onnx"})
    void importsAndMatchesPyTorchForwardAndBackward(String file) throws IOException {
        OnnxModel read = OnnxModel.read(OnnxTestModels.resource(file));
        // x.chunk's Shape reads a computed value: only the graph import knows its shape and folds it.
        assertTrue(read.opTypeCounts().containsKey("Shape"), read.opTypeCounts().toString());
        ReferenceCase reference = ReferenceCase.read(OnnxTestModels.resource(CASE));
        try (Graph model = OnnxImporter.importGraph(read)) {
            assertEquals(Map.of("ChannelShuffle", 3, "ChannelSlice", 4), channelLayers(model));
            double error = OnnxImportSharedModelsTest.maxAbsError(model, CASE, 1e-4, 1e-5);
            System.out.println(file + ": max abs error vs PyTorch " + error);
            model.train(true);
            model.zeroGrad();
            try (Tensor x = Tensor.of(reference.tensors().get("x"), reference.shapes().get("x"));
                    Tensor dy = Tensor.of(reference.tensors().get("dy"), reference.shapes().get("dy"))) {
                model.forward(x);
                assertClose(reference.tensors().get("dx"), model.backward(dy, true).toArray(), file + " dx");
                assertClose(reference.tensors().get("dw"),
                        model.namedGradients().get("uneven.branch.0.weight").toArray(), file + " dw");
            }
        }
    }

    @Test
    void exportedAgainItReadsBackToTheSameGraph() throws IOException {
        Path again = dir.resolve("again.onnx");
        try (Graph model = OnnxImporter.importGraph(OnnxTestModels.resource("shuffle_net.onnx"))) {
            OnnxExporter.export(model, again);
            assertTrue(OnnxModel.read(again).opTypeCounts().keySet().containsAll(List.of("Reshape", "Transpose", "Slice")));
            try (Graph back = OnnxImporter.importGraph(again)) {
                assertEquals(describe(model), describe(back));
                ReferenceCase reference = ReferenceCase.read(OnnxTestModels.resource(CASE));
                try (Tensor x = Tensor.of(reference.tensors().get("x"), reference.shapes().get("x"))) {
                    assertArrayEquals(model.forward(x).toArray(), back.forward(x).toArray(), "bit for bit");
                }
            }
        }
    }

    private static Map<String, Integer> channelLayers(Graph model) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Node node : model.nodes()) {
            node.layer().filter(l -> l instanceof ChannelShuffle || l instanceof ChannelSlice)
                    .ifPresent(l -> counts.merge(l.getClass().getSimpleName(), 1, Integer::sum));
        }
        return counts;
    }

    /** The graph's layers in order, a merge as "merge" (the export names merges after their layer's path). */
    private static List<String> describe(Graph model) {
        return model.nodes().stream().map(n -> n.layer().map(l -> l.describe()).orElse(n.isInput() ? "input" : "merge"))
                .toList();
    }

    /** Within float rounding of PyTorch's gradient: 1e-4 of its largest magnitude. */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < actual.length; i++) {
            assertTrue(Math.abs(actual[i] - expected[i]) <= 1e-4 * scale, what + "[" + i + "] = " + actual[i]
                    + ", PyTorch " + expected[i]);
        }
    }
}

package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.OnnxTestModels.graph;
import static io.github.conv4j.onnx.OnnxTestModels.longs;
import static io.github.conv4j.onnx.OnnxTestModels.model;
import static io.github.conv4j.onnx.OnnxTestModels.node;
import static io.github.conv4j.onnx.OnnxTestModels.rawFloats;
import static io.github.conv4j.onnx.OnnxTestModels.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.onnx.proto.OnnxProtos.GraphProto;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Single ops of hand-built graphs: how each maps, what is folded, and how refusals read. */
class OnnxImportOpsTest {
    @TempDir
    Path dir;

    @Test
    void gemmWithTransBZeroFoldsAlphaIntoTheWeightAndBetaIntoTheBias() throws IOException {
        float[] x = {1, 2, 3, -1, 0, 2};
        float[] b = {1, 2, 3, 4, 5, 6};   // [in 3, out 2]
        float[] c = {10, 20};
        GraphProto.Builder graph = graph(new long[] {2, 3}, new long[] {2, 2}, List.of(rawFloats("B", new long[] {3, 2}, b),
                rawFloats("C", new long[] {2}, c)), node("/Gemm", "Gemm", List.of("x", "B", "C"), List.of("y"),
                ExportGraph.integer("transB", 0), ExportGraph.number("alpha", 2f), ExportGraph.number("beta", 0.5f)));
        try (Sequential model = importGraph(graph)) {
            assertEquals(List.of("Linear(3→2)"), describe(model));
            float[] expected = new float[4];
            for (int n = 0; n < 2; n++) {
                for (int o = 0; o < 2; o++) {
                    float sum = 0;
                    for (int i = 0; i < 3; i++) {
                        sum += x[n * 3 + i] * b[i * 2 + o];
                    }
                    expected[n * 2 + o] = 2 * sum + 0.5f * c[o];
                }
            }
            assertOutputs(model, x, new int[] {2, 3}, expected);
        }
    }

    @Test
    void matMulThenAddIsOneLinear() throws IOException {
        float[] w = {1, -1, 2, 0, 0.5f, 1};   // [in 3, out 2]
        GraphProto.Builder graph = graph(new long[] {1, 3}, new long[] {1, 2},
                List.of(rawFloats("W", new long[] {3, 2}, w), rawFloats("b", new long[] {2}, 1, -1)),
                node("/MatMul", "MatMul", List.of("x", "W"), List.of("p")),
                node("/Add", "Add", List.of("p", "b"), List.of("y")));
        try (Sequential model = importGraph(graph)) {
            assertEquals(List.of("Linear(3→2)"), describe(model));
            assertOutputs(model, new float[] {1, 2, 3}, new int[] {1, 3}, new float[] {1 + 4 + 1.5f + 1, -1 + 0 + 3 - 1});
        }
    }

    @Test
    void clipToZeroAndSixIsReLU6AndToZeroAloneReLU() throws IOException {
        assertEquals(List.of("ReLU6"), describeClip(List.of("x", "lo", "hi"), 0f, 6f));
        assertEquals(List.of("ReLU"), describeClip(List.of("x", "lo"), 0f, 6f));
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class,
                () -> describeClip(List.of("x", "lo", "hi"), -1f, 1f));
        assertEquals("node '/Clip' (Clip): clips to [-1.0, 1.0]: conv4j maps Clip to [0, 6] (ReLU6) and to [0, inf) (ReLU)",
                e.detail());
    }

    @Test
    void hardSigmoidOfOtherThanPyTorchsAlphaIsRefused() {
        GraphProto.Builder graph = graph(new long[] {1, 4}, new long[] {1, 4}, List.of(),
                node("/HardSigmoid", "HardSigmoid", List.of("x"), List.of("y"), ExportGraph.number("alpha", 0.2f)));
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class, () -> importGraph(graph));
        assertEquals("node '/HardSigmoid' (HardSigmoid): alpha 0.2 and beta 0.5: conv4j's HardSigmoid is PyTorch's, "
                + "alpha 1/6 (0.16666667) and beta 0.5", e.detail());
    }

    @Test
    void unknownOpTypesAreListedAllAtOnce() {
        GraphProto.Builder graph = graph(new long[] {1, 4}, new long[] {1, 4}, List.of(),
                node("/Erf", "Erf", List.of("x"), List.of("a")), node("/Relu", "Relu", List.of("a"), List.of("b")),
                node("/Celu", "Celu", List.of("b"), List.of("y")));
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class, () -> importGraph(graph));
        assertTrue(e.detail().startsWith("uses op types conv4j does not map: Celu, Erf (it maps Add, AveragePool, "
                + "BatchNormalization, Clip, Concat, Conv, "), e.detail());
    }

    @Test
    void aConvWeightThatDisagreesWithTheChannelsNamesBothShapes() {
        GraphProto.Builder graph = graph(new long[] {1, 3, 8, 8}, new long[] {1, 4, 6, 6},
                List.of(rawFloats("w", new long[] {4, 2, 3, 3}, new float[72])),
                node("/Conv", "Conv", List.of("x", "w"), List.of("y")));
        MalformedOnnxModelException e = assertThrows(MalformedOnnxModelException.class, () -> importGraph(graph));
        assertEquals("node '/Conv' (Conv): weight 'w' has shape [4, 2, 3, 3] but its input [N, 3, 8, 8] with group 1 "
                + "needs [4, 3, 3, 3]", e.detail());
    }

    @Test
    void asymmetricPadsAreSameWhereTheyMatchAndRefusedElsewhere() throws IOException {
        try (Sequential model = importGraph(strideTwoConv(0, 0, 1, 1))) {
            assertEquals(List.of("Conv2d(1→1, 3×3, stride 2, no bias, same)"), describe(model));
        }
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class,
                () -> importGraph(strideTwoConv(1, 1, 0, 0)));
        assertEquals("node '/Conv' (Conv): pads [1, 1, 0, 0] (top, left, bottom, right) are asymmetric and not the "
                + "SAME padding [0, 0, 1, 1] of its 8×8 input: conv4j pads symmetrically or as SAME", e.detail());
    }

    @Test
    void aWindowOfStrideZeroIsRefusedBeforeItsSamePaddingIsWorkedOut() {
        // The fuzzer's finding: asymmetric pads made the SAME check divide by the stride.
        GraphProto.Builder graph = graph(new long[] {1, 1, 8, 8}, new long[] {1, 1, 8, 8}, List.of(),
                node("/AveragePool", "AveragePool", List.of("x"), List.of("y"), ExportGraph.ints("kernel_shape", 2, 2),
                        ExportGraph.ints("strides", 0, 1), ExportGraph.ints("pads", 0, 0, 1, 1)));
        MalformedOnnxModelException e = assertThrows(MalformedOnnxModelException.class, () -> importGraph(graph));
        assertEquals("node '/AveragePool' (AveragePool): attribute 'strides' is [0, 1]: a window's size, strides and "
                + "dilations are positive", e.detail());
    }

    @Test
    void reduceMeanOverHeightAndWidthThenReshapeToBatchAndMinusOne() throws IOException {
        GraphProto.Builder graph = graph(new long[] {2, 3, 2, 2}, new long[] {2, 3}, List.of(longs("shape",
                new long[] {2}, 0, -1)),
                node("/ReduceMean", "ReduceMean", List.of("x"), List.of("m"), ExportGraph.ints("axes", 2, 3)),
                node("/Reshape", "Reshape", List.of("m", "shape"), List.of("y")));
        try (Sequential model = importGraph(graph)) {
            assertEquals(List.of("GlobalAvgPool2d", "Flatten"), describe(model));
            float[] x = new float[24];
            for (int i = 0; i < x.length; i++) {
                x[i] = i;
            }
            assertOutputs(model, x, new int[] {2, 3, 2, 2}, new float[] {1.5f, 5.5f, 9.5f, 13.5f, 17.5f, 21.5f});
        }
    }

    @Test
    void batchNormalizationKeepsItsStatisticsAndTurnsTheMomentumAround() throws IOException {
        GraphProto.Builder graph = graph(new long[] {1, 2, 1, 1}, new long[] {1, 2, 1, 1}, List.of(
                rawFloats("g", new long[] {2}, 2, 3), rawFloats("b", new long[] {2}, 0.5f, -0.5f),
                rawFloats("m", new long[] {2}, 1, 2), rawFloats("v", new long[] {2}, 4, 0.25f)),
                node("/BatchNormalization", "BatchNormalization", List.of("x", "g", "b", "m", "v"), List.of("y"),
                        ExportGraph.number("epsilon", 1e-3f), ExportGraph.number("momentum", 0.9f)));
        try (Sequential model = importGraph(graph)) {
            assertEquals(List.of("BatchNorm2d channels=2 eps=0.001 momentum=0.1"),
                    model.layers().stream().map(Layer::spec).toList());
            float y0 = (float) (2 * (3 - 1) / Math.sqrt(4 + 1e-3) + 0.5);
            float y1 = (float) (3 * (3 - 2) / Math.sqrt(0.25 + 1e-3) - 0.5);
            assertOutputs(model, new float[] {3, 3}, new int[] {1, 2, 1, 1}, new float[] {y0, y1});
        }
    }

    private GraphProto.Builder strideTwoConv(long... pads) {
        return graph(new long[] {1, 1, 8, 8}, new long[] {1, 1, 4, 4},
                List.of(rawFloats("w", new long[] {1, 1, 3, 3}, new float[9])),
                node("/Conv", "Conv", List.of("x", "w"), List.of("y"), ExportGraph.ints("strides", 2, 2),
                        ExportGraph.ints("pads", pads)));
    }

    private List<String> describeClip(List<String> inputs, float low, float high) throws IOException {
        GraphProto.Builder graph = graph(new long[] {1, 4}, new long[] {1, 4},
                List.of(rawFloats("lo", new long[0], low), rawFloats("hi", new long[0], high)),
                node("/Clip", "Clip", inputs, List.of("y")));
        try (Sequential model = importGraph(graph)) {
            return describe(model);
        }
    }

    private Sequential importGraph(GraphProto.Builder graph) throws IOException {
        return OnnxImporter.importModel(write(dir, "ops.onnx", model(13, graph)));
    }

    private static List<String> describe(Sequential model) {
        return model.layers().stream().map(Layer::describe).toList();
    }

    private static void assertOutputs(Sequential model, float[] x, int[] dims, float[] expected) {
        try (Tensor input = Tensor.of(x, dims)) {
            float[] actual = model.forward(input).toArray();
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5f * Math.max(1, Math.abs(expected[i])), "output " + i);
            }
        }
    }
}

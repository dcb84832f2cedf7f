package io.github.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.BasicBlock;
import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.InvertedResidual;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.ReLU6;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conv4j graphs exported to ONNX and imported back with importGraph compute the same outputs. */
class OnnxGraphExportRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void resnetWithDownsamplingBlocksRoundTripsBitForBit() throws IOException {
        GraphBuilder b = new GraphBuilder(Shape.of(3, 16, 16));
        Node x = b.add("conv1", new Conv2d(3, 8, 3).padding(1).bias(false), b.input());
        x = b.add("bn1", new BatchNorm2d(8), x);
        x = b.add("relu", new ReLU(), x);
        x = new BasicBlock(8, 8, 1).addTo(b, "layer1.0", x);
        x = new BasicBlock(8, 16, 2).addTo(b, "layer2.0", x);
        Graph model = OnnxTestNetworks.classifierHead(b, x, 16, 3L);
        Path file = dir.resolve("resnet.onnx");
        try (model) {
            OnnxTestNetworks.randomize(model);
            model.setPreprocessing(OnnxTestNetworks.threeChannelPreprocessing("a", "b", "c", "d", "e"));
            OnnxExporter.export(model, file);
            OnnxModel read = OnnxModel.read(file);
            assertTrue(read.initializers().containsKey("layer1.0.conv1.weight"));
            assertTrue(read.initializers().containsKey("layer2.0.downsample.0.weight"), read.initializers().keySet().toString());
            assertTrue(read.initializers().containsKey("layer2.0.downsample.1.running_var"));
            assertEquals(2, read.nodes().stream().filter(n -> n.opType().equals("Add")).count());
            try (Graph back = OnnxImporter.importGraph(read)) {
                assertSameGraph(model.train(false), back);
                assertEquals(model.preprocessing(), back.preprocessing());
                assertEquals(model.seed(), back.seed());
            }
        }
    }

    @Test
    void mobilenetV2WithReLU6AsClipRoundTripsBitForBit() throws IOException {
        GraphBuilder b = new GraphBuilder(Shape.of(3, 16, 16));
        Node x = b.add("features.0.0", new Conv2d(3, 8, 3).stride(2).padding(1).bias(false), b.input());
        x = b.add("features.0.1", new BatchNorm2d(8), x);
        x = b.add("features.0.2", new ReLU6(), x);
        x = new InvertedResidual(8, 8, 1, 1).addTo(b, "features.1", x);
        x = new InvertedResidual(8, 12, 2, 6).addTo(b, "features.2", x);
        x = new InvertedResidual(12, 12, 1, 6).addTo(b, "features.3", x);
        try (Graph model = OnnxTestNetworks.classifierHead(b, x, 12, 3L)) {
            OnnxTestNetworks.randomize(model);
            Path file = dir.resolve("mobilenet.onnx");
            OnnxExporter.export(model, file);
            OnnxModel read = OnnxModel.read(file);
            List<OnnxNode> clips = read.nodes().stream().filter(n -> n.opType().equals("Clip")).toList();
            assertEquals(6, clips.size(), "the stem's ReLU6 and two per block with an expansion, one without");
            // Since opset 11 Clip's bounds are inputs, not attributes.
            assertEquals(3, clips.get(0).inputs().size());
            assertEquals(2, read.nodes().stream().filter(n -> n.opType().equals("Add")).count());
            try (Graph back = OnnxImporter.importGraph(read)) {
                assertSameGraph(model.train(false), back);
            }
        }
    }

    @Test
    void concatenationsGatesAndSumsOfThreeRoundTrip() throws IOException {
        GraphBuilder b = new GraphBuilder(Shape.of(4, 8, 8));
        Node sum = OnnxTestNetworks.concatGateAndSumOfThree(b);
        try (Graph model = OnnxTestNetworks.classifierHead(b, sum, 10, 3L)) {
            OnnxTestNetworks.randomize(model);
            Path file = dir.resolve("merges.onnx");
            OnnxExporter.export(model, file);
            OnnxModel read = OnnxModel.read(file);
            assertEquals(List.of("Concat", "Mul", "Sum"), read.nodes().stream().map(OnnxNode::opType)
                    .filter(op -> List.of("Concat", "Mul", "Sum").contains(op)).toList());
            try (Graph back = OnnxImporter.importGraph(read)) {
                assertSameGraph(model.train(false), back);
            }
        }
    }

    @Test
    void importedPyTorchModelsReExportedStillMatchPyTorch() throws IOException {
        Map<String, double[]> tolerances = Map.of("reference_cnn.onnx", new double[] {1e-4, 1e-5});
        for (String name : OnnxTestModels.SHARED_MODELS) {
            try (Graph pytorch = OnnxImporter.importGraph(OnnxTestModels.resource(name))) {
                Path file = dir.resolve(name);
                OnnxExporter.export(pytorch, file);
                try (Graph back = OnnxImporter.importGraph(file)) {
                    assertSameGraph(pytorch, back);
                    double[] tolerance = tolerances.getOrDefault(name, new double[] {1e-3, 1e-4});
                    double error = OnnxImportSharedModelsTest.maxAbsError(back, "onnx_" + name.replace(".onnx", ".case"),
                            tolerance[0], tolerance[1]);
                    System.out.println(name + " re-exported: max abs error vs PyTorch " + error);
                }
            }
        }
    }

    /** The same tensors under the same names, and the same outputs, bit for bit. */
    private static void assertSameGraph(Graph expected, Graph actual) {
        assertEquals(arrays(expected.namedParameters()).keySet(), arrays(actual.namedParameters()).keySet());
        expected.namedParameters().forEach((name, t) ->
                assertArrayEquals(t.toArray(), actual.namedParameters().get(name).toArray(), name));
        expected.namedState().forEach((name, t) ->
                assertArrayEquals(t.toArray(), actual.namedState().get(name).toArray(), name));
        RoundTripAssertions.assertSameOutputs(expected, actual, 3);
    }

    private static Map<String, float[]> arrays(Map<String, Tensor> tensors) {
        return tensors.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toArray()));
    }
}

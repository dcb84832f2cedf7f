package io.github.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PyTorch exports of the shared folder: imported and run against PyTorch's outputs, or refused clearly. */
class OnnxImportSharedModelsTest {

    @Test
    void referenceCnnMatchesPyTorch() throws IOException {
        try (Sequential model = OnnxImporter.importModel(OnnxTestModels.resource("reference_cnn.onnx"))) {
            assertEquals(List.of("Conv2d(1→32, 5×5, pad 2)", "ReLU", "MaxPool2d(2×2)", "Conv2d(32→64, 5×5, pad 2)", "ReLU",
                    "MaxPool2d(2×2)", "Flatten", "Linear(3136→256)", "ReLU", "Linear(256→10)"),
                    model.layers().stream().map(l -> l.describe()).toList());
            assertFalseTraining(model);
            report("reference_cnn.onnx", maxAbsError(model, "onnx_reference_cnn.case", 1e-4, 1e-5));
        }
    }

    @Test
    void smallResnetMatchesPyTorch() throws IOException {
        try (Graph model = OnnxImporter.importGraph(OnnxTestModels.resource("small_resnet_w8.onnx"))) {
            assertEquals(3, countMerges(model, "Add"), "one Add per BasicBlock");
            report("small_resnet_w8.onnx", maxAbsError(model, "onnx_small_resnet_w8.case", 1e-3, 1e-4));
        }
    }

    @Test
    void smallResnetWithBatchNormKeepsItsRunningStatistics() throws IOException {
        OnnxModel file = OnnxModel.read(OnnxTestModels.resource("small_resnet_w8_bn.onnx"));
        try (Graph model = OnnxImporter.importGraph(file)) {
            // Weight initializers are PyTorch paths: the graph's names are the module's state_dict names.
            assertArrayEquals(file.initializers().get("bn1.running_var").floats(),
                    model.namedState().get("bn1.running_var").toArray());
            assertArrayEquals(file.initializers().get("layer2.conv1.weight").floats(),
                    model.namedParameters().get("layer2.conv1.weight").toArray());
            assertEquals(9, model.nodes().stream().filter(n -> n.describe().startsWith("BatchNorm2d")).count());
            report("small_resnet_w8_bn.onnx", maxAbsError(model, "onnx_small_resnet_w8_bn.case", 1e-3, 1e-4));
        }
    }

    @Test
    void mobilenetV2MatchesPyTorch() throws IOException {
        try (Graph model = OnnxImporter.importGraph(OnnxTestModels.resource("mobilenet_v2_w025.onnx"))) {
            assertEquals(11, countMerges(model, "Add"), "one Add per InvertedResidual with a shortcut");
            report("mobilenet_v2_w025.onnx", maxAbsError(model, "onnx_mobilenet_v2_w025.case", 1e-3, 1e-4));
        }
    }

    @Test
    void opsNetMatchesPyTorch() throws IOException {
        try (Graph model = OnnxImporter.importGraph(OnnxTestModels.resource("ops_net.onnx"))) {
            assertEquals(1, countMerges(model, "Concat"));
            report("ops_net.onnx", maxAbsError(model, "onnx_ops_net.case", 1e-4, 1e-5));
        }
    }

    @Test
    void aChainImportsOntoAGraphAsOntoASequential() throws IOException {
        try (Sequential chain = OnnxImporter.importModel(OnnxTestModels.resource("reference_cnn.onnx"));
                Graph graph = OnnxImporter.importGraph(OnnxTestModels.resource("reference_cnn.onnx"))) {
            assertEquals(chain.namedParameters().size(), graph.namedParameters().size());
            assertArrayEquals(chain.parameters().toArray(), graph.parameters().toArray());
            assertFalse(graph.isTraining(), "an imported model starts in evaluation mode");
            report("reference_cnn.onnx (Graph)", maxAbsError(graph, "onnx_reference_cnn.case", 1e-4, 1e-5));
        }
    }

    @Test
    void sequentialImportOfABranchingModelPointsToTheGraphImport() {
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class,
                () -> OnnxImporter.importModel(OnnxTestModels.resource("small_resnet_w8.onnx")).close());
        assertTrue(e.getMessage().endsWith("node '/Relu' (Relu) branches: its output '/Relu_output_0' feeds 2 nodes, "
                + "node '/layer1/conv1/Conv' (Conv), node '/layer1/Add' (Add): a Sequential is a chain of nodes; "
                + "OnnxImporter.importGraph imports it onto a Graph"), e.getMessage());
    }

    private static long countMerges(Graph model, String spec) {
        return model.nodes().stream().filter(n -> n.merge().isPresent() && n.spec().equals(spec)).count();
    }

    private static void report(String name, double error) {
        System.out.println(name + ": max abs error vs PyTorch " + error);
    }

    private static void assertFalseTraining(Sequential model) {
        assertEquals(false, model.isTraining(), "an imported model starts in evaluation mode");
    }

    /** Runs the case's x through the model and checks y within the README's tolerances; returns the max abs error. */
    static double maxAbsError(Model model, String caseName, double rtol, double atol) throws IOException {
        ReferenceCase reference = ReferenceCase.read(OnnxTestModels.resource(caseName));
        float[] expected = reference.tensors().get("y");
        try (Tensor x = Tensor.of(reference.tensors().get("x"), reference.shapes().get("x"))) {
            Tensor y = model.forward(x);
            assertArrayEquals(reference.shapes().get("y"), y.shape().dims(), caseName);
            float[] actual = y.toArray();
            double max = 0;
            for (int i = 0; i < actual.length; i++) {
                double error = Math.abs(actual[i] - expected[i]);
                max = Math.max(max, error);
                assertTrue(error <= atol + rtol * Math.abs(expected[i]),
                        caseName + " y[" + i + "] = " + actual[i] + ", PyTorch " + expected[i]);
            }
            return max;
        }
    }
}

package io.github.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            double error = maxAbsError(model, "onnx_reference_cnn.case", 1e-4, 1e-5);
            System.out.println("reference_cnn.onnx: max abs error vs PyTorch " + error);
        }
    }

    @Test
    void residualNetworksAreRefusedAtTheirFirstBranch() {
        String resnetBranch = "node '/Relu' (Relu) branches: its output '/Relu_output_0' feeds 2 nodes, "
                + "node '/layer1/conv1/Conv' (Conv), node '/layer1/Add' (Add)";
        assertBranchRefused("small_resnet_w8.onnx", resnetBranch);
        assertBranchRefused("small_resnet_w8_bn.onnx", resnetBranch);
        assertBranchRefused("mobilenet_v2_w025.onnx", "node '/features/features.0/features.0.2/Clip' (Clip) branches: its "
                + "output '/features/features.0/features.0.2/Clip_output_0' feeds 2 nodes, "
                + "node '/features/features.1/conv/conv.0/conv.0.0/Conv' (Conv), node '/features/features.1/Add' (Add)");
        assertBranchRefused("ops_net.onnx", "node '/Tanh' (Tanh) branches: its output '/Tanh_output_0' feeds 2 nodes, "
                + "node '/c3/Conv' (Conv), node '/c4/Conv' (Conv)");
    }

    private static void assertBranchRefused(String name, String expected) {
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class,
                () -> OnnxImporter.importModel(OnnxTestModels.resource(name)).close(), name);
        assertTrue(e.getMessage().endsWith(name + ": " + expected
                + ": conv4j imports chains of nodes (a Sequential) until its graph model lands"), e.getMessage());
    }

    private static void assertFalseTraining(Sequential model) {
        assertEquals(false, model.isTraining(), "an imported model starts in evaluation mode");
    }

    /** Runs the case's x through the model and checks y within the README's tolerances; returns the max abs error. */
    static double maxAbsError(Sequential model, String caseName, double rtol, double atol) throws IOException {
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

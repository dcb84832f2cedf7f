package io.github.conv4j.onnx;

import io.github.conv4j.nn.Graph;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The five PyTorch exports of the shared folder (their shipped copies, which
 * {@link OnnxSharedModelsTest} checks equal to the folder's) run in ONNX Runtime and in conv4j's
 * import on PyTorch's input: the two agree within the folder README's tolerances, and ONNX
 * Runtime's outputs are PyTorch's within them too, so that a disagreement would be conv4j's.
 */
class OnnxRuntimeSharedModelsTest {
    /** The README's rtol and atol: 1e-4 and 1e-5, for the deep models 1e-3 and 1e-4. */
    private static final Map<String, double[]> TOLERANCES = Map.of(
            "reference_cnn.onnx", new double[] {1e-4, 1e-5},
            "small_resnet_w8.onnx", new double[] {1e-3, 1e-4},
            "small_resnet_w8_bn.onnx", new double[] {1e-3, 1e-4},
            "mobilenet_v2_w025.onnx", new double[] {1e-3, 1e-4},
            "ops_net.onnx", new double[] {1e-4, 1e-5});

    @Test
    void conv4jsImportsComputeWhatOnnxRuntimeComputes() throws Exception {
        for (String name : OnnxTestModels.SHARED_MODELS) {
            Path file = OnnxTestModels.resource(name);
            ReferenceCase reference = ReferenceCase.read(OnnxTestModels.resource("onnx_" + name.replace(".onnx", ".case")));
            float[] x = reference.tensors().get("x");
            int[] dims = reference.shapes().get("x");
            double[] tolerance = TOLERANCES.get(name);
            float[] onnxRuntime = OnnxRuntimeReference.run(file, x, dims, reference.shapes().get("y"));
            OnnxRuntimeReference.assertClose(reference.tensors().get("y"), onnxRuntime, tolerance[0], tolerance[1],
                    name + ": ONNX Runtime against PyTorch");
            double error = OnnxRuntimeReference.assertClose(onnxRuntime, conv4j(file, x, dims), tolerance[0],
                    tolerance[1], name + ": conv4j against ONNX Runtime");
            System.out.println(name + ": max abs difference conv4j vs ONNX Runtime " + error);
        }
    }

    private static float[] conv4j(Path file, float[] x, int[] dims) throws IOException {
        try (Graph model = OnnxImporter.importGraph(file); Tensor input = Tensor.of(x, dims)) {
            return model.forward(input).toArray();
        }
    }
}

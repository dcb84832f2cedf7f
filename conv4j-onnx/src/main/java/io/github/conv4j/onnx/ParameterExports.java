package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.ExportGraph.integer;
import static io.github.conv4j.onnx.ExportGraph.number;

import io.github.conv4j.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The pointwise layers with learned parameters: Linear → Gemm with transB = 1 (its weight is
 * [out, in], PyTorch's layout), BatchNorm2d and BatchNorm1d → BatchNormalization with their
 * running statistics, epsilon, and the momentum in ONNX's convention ({@link BatchNormMomentum}).
 */
final class ParameterExports {
    private ParameterExports() {
    }

    static void linear(ExportedLayer layer, ExportGraph graph) {
        List<String> inputs = new ArrayList<>();
        inputs.add(graph.initializer("weight", layer.parameterShape(0), layer.parameters().get(0)));
        if (layer.spec().flag("bias")) {
            inputs.add(graph.initializer("bias", layer.parameterShape(1), layer.parameters().get(1)));
        }
        graph.node("Gemm", inputs, number("alpha", 1f), number("beta", 1f), integer("transB", 1));
    }

    static void batchNorm(ExportedLayer layer, ExportGraph graph) {
        Shape channels = layer.parameterShape(0);
        List<String> inputs = List.of(
                graph.initializer("weight", channels, layer.parameters().get(0)),
                graph.initializer("bias", channels, layer.parameters().get(1)),
                graph.initializer("running_mean", channels, layer.state().get(0)),
                graph.initializer("running_var", channels, layer.state().get(1)));
        graph.node("BatchNormalization", inputs, number("epsilon", layer.spec().number("eps")),
                number("momentum", BatchNormMomentum.toOnnx(layer.spec().number("momentum"))));
    }
}

package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.ActivationPatterns.GELU_TANH_BETA;
import static io.github.conv4j.onnx.ActivationPatterns.GELU_TANH_KAPPA;
import static io.github.conv4j.onnx.ActivationPatterns.SQRT_2;

import java.util.List;

/**
 * The activations that opsets 13 and 14 have no operator for, written as the node chains
 * PyTorch's exporter writes for them (torch.onnx, opset 13), constants and operand order
 * included, so that any ONNX runtime computes them and {@link ActivationPatterns} recognises them
 * on import, from conv4j's files and PyTorch's alike. Each chain reads the layer's input x twice.
 */
final class ActivationExports {
    private ActivationExports() {
    }

    /** SiLU: Mul(x, Sigmoid(x)). */
    static void silu(ExportedLayer layer, ExportGraph graph) {
        String x = graph.current();
        graph.node("Sigmoid", List.of());
        graph.apply("Mul", List.of(x, graph.current()));
    }

    /** GELU, exact or tanh, by the layer's {@code approximate} option. */
    static void gelu(ExportedLayer layer, ExportGraph graph) {
        String approximate = layer.spec().text("approximate");
        switch (approximate) {
            case "none" -> exactGelu(graph);
            case "tanh" -> tanhGelu(graph);
            default -> throw layer.refuse("approximate=" + approximate + " is neither none nor tanh");
        }
    }

    /** x·Φ(x) = Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5). */
    private static void exactGelu(ExportGraph graph) {
        String x = graph.current();
        graph.node("Div", List.of(scalar(graph, "sqrt2", SQRT_2)));
        graph.node("Erf", List.of());
        graph.node("Add", List.of(scalar(graph, "one", 1f)));
        graph.apply("Mul", List.of(x, graph.current()));
        graph.node("Mul", List.of(scalar(graph, "half", 0.5f)));
    }

    /** 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))), its products in PyTorch's order: x·x, then x·x², ... */
    private static void tanhGelu(ExportGraph graph) {
        String x = graph.current();
        graph.apply("Mul", List.of(x, x));
        graph.apply("Mul", List.of(x, graph.current()));
        graph.apply("Mul", List.of(scalar(graph, "kappa", GELU_TANH_KAPPA), graph.current()));
        graph.apply("Add", List.of(x, graph.current()));
        graph.apply("Mul", List.of(scalar(graph, "beta", GELU_TANH_BETA), graph.current()));
        graph.node("Tanh", List.of());
        graph.apply("Add", List.of(scalar(graph, "one", 1f), graph.current()));
        graph.apply("Mul", List.of(x, graph.current()));
        graph.apply("Mul", List.of(scalar(graph, "half", 0.5f), graph.current()));
    }

    private static String scalar(ExportGraph graph, String role, float value) {
        return graph.initializer(role, null, new float[] {value});
    }
}

package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.ExportGraph.integer;
import static io.github.conv4j.onnx.ExportGraph.number;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The exporter of each conv4j layer type, by the type name of its {@link LayerSpec}, one layer
 * to one node, but SiLU and GELU, which opsets 13 and 14 have no operator for: they are written
 * as PyTorch's node chains ({@link ActivationExports}), which the importer recognises as one layer
 * again. A layer type missing here (a user's own {@link io.github.conv4j.nn.Layer}) is refused
 * naming the layer.
 */
final class LayerExporters {
    private static final Map<String, LayerExporter> EXPORTERS = Map.ofEntries(
            Map.entry("Conv2d", WindowExports::conv),
            Map.entry("MaxPool2d", WindowExports::maxPool),
            Map.entry("AvgPool2d", WindowExports::averagePool),
            Map.entry("AdaptiveAvgPool2d", WindowExports::adaptiveAveragePool),
            Map.entry("GlobalAvgPool2d", plain("GlobalAveragePool")),
            Map.entry("Linear", ParameterExports::linear),
            Map.entry("BatchNorm2d", ParameterExports::batchNorm),
            Map.entry("BatchNorm1d", ParameterExports::batchNorm),
            Map.entry("ReLU", plain("Relu")),
            Map.entry("ReLU6", LayerExporters::relu6),
            Map.entry("LeakyReLU", (layer, graph) -> graph.node("LeakyRelu", List.of(),
                    number("alpha", layer.spec().number("slope")))),
            Map.entry("Sigmoid", plain("Sigmoid")),
            Map.entry("Tanh", plain("Tanh")),
            Map.entry("HardSigmoid", (layer, graph) -> graph.node("HardSigmoid", List.of(),
                    number("alpha", ActivationMappers.HARD_SIGMOID_ALPHA),
                    number("beta", ActivationMappers.HARD_SIGMOID_BETA))),
            Map.entry("HardSwish", LayerExporters::hardSwish),
            Map.entry("Softmax", (layer, graph) -> graph.node("Softmax", List.of(), integer("axis", 1))),
            Map.entry("LogSoftmax", (layer, graph) -> graph.node("LogSoftmax", List.of(), integer("axis", 1))),
            Map.entry("Flatten", (layer, graph) -> graph.node("Flatten", List.of(), integer("axis", 1))),
            Map.entry("Dropout", LayerExporters::dropout),
            Map.entry("Identity", plain("Identity")),
            Map.entry("ChannelShuffle", ChannelExports::shuffle),
            Map.entry("ChannelSlice", ChannelExports::slice),
            Map.entry("SiLU", ActivationExports::silu),
            Map.entry("GELU", ActivationExports::gelu));

    private LayerExporters() {
    }

    static Optional<LayerExporter> of(String type) {
        return Optional.ofNullable(EXPORTERS.get(type));
    }

    /** Appends {@code layer} to the graph with its type's exporter, or refuses it naming the layer. */
    static void write(ExportedLayer layer, ExportGraph graph) {
        LayerExporter exporter = of(layer.spec().type()).orElseThrow(() -> layer.refuse(
                "conv4j exports " + String.join(", ", exported()) + " to ONNX, not " + layer.spec().type()));
        exporter.export(layer, graph);
    }

    /** The layer types exported, sorted. */
    static Set<String> exported() {
        return new TreeSet<>(EXPORTERS.keySet());
    }

    /** A layer without options, as the op of the same meaning. */
    private static LayerExporter plain(String opType) {
        return (layer, graph) -> graph.node(opType, List.of());
    }

    /** Clip to [0, 6], its bounds as initializers: since opset 11 they are inputs, not attributes. */
    private static void relu6(ExportedLayer layer, ExportGraph graph) {
        graph.node("Clip", List.of(graph.initializer("min", null, new float[] {0f}),
                graph.initializer("max", null, new float[] {6f})));
    }

    /** HardSwish is an opset 14 operator: a model using it is written with opset 14. */
    private static void hardSwish(ExportedLayer layer, ExportGraph graph) {
        graph.requireOpset(14);
        graph.node("HardSwish", List.of());
    }

    /**
     * Dropout of the layer's probability, the identity in inference as ONNX's is unless told to
     * train; kept rather than skipped so that the model imports back to the same layers. A fixed
     * seed of the layer is not written: ONNX's seed attribute would draw other masks in any runtime.
     */
    private static void dropout(ExportedLayer layer, ExportGraph graph) {
        graph.node("Dropout", List.of(graph.initializer("ratio", null, new float[] {layer.spec().number("p")})));
    }
}

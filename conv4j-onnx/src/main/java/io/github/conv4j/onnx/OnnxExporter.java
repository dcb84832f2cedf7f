package io.github.conv4j.onnx;

import io.github.conv4j.io.ModelFile;
import io.github.conv4j.io.PreprocessingMetadata;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.onnx.proto.OnnxProtos.GraphProto;
import io.github.conv4j.onnx.proto.OnnxProtos.ModelProto;
import io.github.conv4j.onnx.proto.OnnxProtos.OperatorSetIdProto;
import io.github.conv4j.onnx.proto.OnnxProtos.StringStringEntryProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TensorShapeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TypeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.ValueInfoProto;
import io.github.conv4j.tensor.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Writes a conv4j {@link Sequential} or {@link Graph} as an ONNX model of opset 13 (14 when it has
 * a HardSwish), one node per layer or merge (SiLU and GELU, which have no operator in these
 * opsets, as the node chains PyTorch writes for them: Sigmoid and Mul; Div, Erf, Add and Mul, or
 * the tanh form's Mul, Add and Tanh), that {@link OnnxImporter#importModel} (a Sequential)
 * or {@link OnnxImporter#importGraph} (a graph) reads back to the same layers and values.
 *
 * <pre>{@code
 * OnnxExporter.export(model, Path.of("model.onnx"));
 * }</pre>
 *
 * <p>The file holds the weights as initializers named like a PyTorch state_dict ({@code 0.weight},
 * {@code 0.bias}, {@code 1.running_mean}; a graph's own names, {@code layer1.0.conv1.weight}), a
 * graph's merges as Add (Sum for more than two inputs), Concat on axis 1 and Mul, an input {@code input} and an output {@code output}
 * whose batch dimension is the symbol {@code N}, and in metadata_props {@code conv4j.version},
 * the model's seed and its {@link Model#preprocessing()} (per-channel mean and std, class
 * names; keys of {@link PreprocessingMetadata}). It is written atomically: a reader sees the old
 * file or the new one.
 */
public final class OnnxExporter {
    /** The metadata_props key of the conv4j version that wrote the file. */
    public static final String VERSION_KEY = "conv4j.version";
    /** The ONNX IR version written: 8, as PyTorch 1.13 writes for opset 13. */
    static final long IR_VERSION = 8;
    private static final String BATCH = "N";
    /** The graph input's name, also that of a conv4j graph's input node. */
    private static final String INPUT = Node.INPUT;

    private OnnxExporter() {
    }

    /**
     * Exports a model. Its values are read as they are: export a trained model, not one mid-step.
     *
     * @param model the model, left as it was and the caller's
     * @param file the ONNX file to write, replaced if it exists
     * @throws IllegalArgumentException if the model is neither a Sequential nor a Graph, or a layer
     *         has no ONNX equivalent (an adaptive pooling whose windows differ in size, a layer
     *         type of the user's own), naming the layer
     * @throws IOException if the file cannot be written
     */
    public static void export(Model model, Path file) throws IOException {
        AtomicFile.write(file, toProto(model).toByteArray());
    }

    /**
     * The layer types {@link #export} writes.
     *
     * @return the type names of their {@link Layer#spec()}, sorted
     */
    public static Set<String> exportedLayerTypes() {
        return LayerExporters.exported();
    }

    static ModelProto toProto(Model model) {
        String version = Conv4jVersion.get();
        ExportGraph graph = new ExportGraph(INPUT);
        if (model instanceof Sequential chain) {
            writeChain(chain, graph);
        } else if (model instanceof Graph branching) {
            GraphExport.write(branching, graph);
        } else {
            throw new IllegalArgumentException("conv4j exports a Sequential or a Graph to ONNX, not a "
                    + model.getClass().getName());
        }
        GraphProto.Builder proto = graph.finish("output")
                .addInput(value(INPUT, model.sampleInput()))
                .addOutput(value("output", model.sampleOutput()));
        ModelProto.Builder result = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("conv4j")
                .setProducerVersion(version)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(graph.opset()))
                .setGraph(proto);
        metadata(model, version).forEach((key, value) ->
                result.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return result.build();
    }

    /** Each layer reads the one before it, its initializers named after its index. */
    private static void writeChain(Sequential model, ExportGraph graph) {
        for (int i = 0; i < model.layers().size(); i++) {
            Layer layer = model.layers().get(i);
            ExportedLayer exported = new ExportedLayer("layer " + i, LayerSpec.of(layer), LayerBuffers.parameters(model, i),
                    LayerBuffers.state(model, i), i == 0 ? model.sampleInput() : model.sampleOutput(i - 1));
            graph.startLayer(Integer.toString(i), graph.current());
            LayerExporters.write(exported, graph);
        }
    }

    private static Map<String, String> metadata(Model model, String version) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(VERSION_KEY, version);
        metadata.put(ModelFile.SEED_KEY, Long.toString(model.seed()));
        model.preprocessing().ifPresent(p -> metadata.putAll(PreprocessingMetadata.encode(p)));
        return metadata;
    }

    /** A FLOAT value of shape [N, sample...]. */
    private static ValueInfoProto value(String name, Shape sample) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        for (int d : sample.dims()) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(OnnxDataType.FLOAT.code()).setShape(shape))).build();
    }
}

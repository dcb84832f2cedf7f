package io.github.conv4j.onnx;

import io.github.conv4j.io.ModelFile;
import io.github.conv4j.io.PreprocessingMetadata;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps an ONNX model onto a conv4j model, weights and BatchNorm statistics included, for inference
 * and for further training: a model whose nodes form one chain onto a {@link Sequential}
 * ({@link #importModel}), any model onto a {@link Graph} ({@link #importGraph}).
 *
 * <pre>{@code
 * try (Sequential model = OnnxImporter.importModel(Path.of("model.onnx"))) {
 *     Tensor y = model.forward(x);
 * }
 * }</pre>
 *
 * <p>The mapped ops: Conv, Gemm, MatMul (with the Add of its bias), Relu, Clip to [0, 6] or
 * [0, ∞), LeakyRelu, Sigmoid, Tanh, HardSigmoid (PyTorch's), HardSwish, Softmax, LogSoftmax,
 * MaxPool, AveragePool, GlobalAveragePool, ReduceMean over H and W, BatchNormalization, Flatten,
 * Reshape to [N, -1], Dropout, Identity, a Pad of zeros, Slice and Split of channels, and the node
 * chains PyTorch exports for SiLU (Sigmoid, Mul), GELU (Div, Erf, Add, Mul; or its tanh form) and
 * ShuffleNet's channel shuffle (Reshape, Transpose, Reshape), recognised as one layer each
 * ({@link ActivationPatterns}, {@link ChannelShufflePattern}); in a graph also Add and Sum of
 * values of one shape, Concat of channels and Mul by a per-channel gate. A model of other ops is refused with the list
 * of all of them; {@link #importModel} refuses a model whose nodes branch and join (ResNet's Add,
 * a Concat) naming the first node that branches. Every refusal is an
 * {@link OnnxModelException} naming the file, the node (name and op type) and the value.
 *
 * <p>A file whose graph input leaves sizes after the batch open (PyTorch's {@code dynamic_axes}
 * on H and W) is imported with {@link OnnxImportOptions#inputShape} giving them; without it, it is
 * refused with a message saying so. Options that do not fit the file are an
 * {@link IllegalArgumentException} naming the file, the input, the axis and both sizes.
 */
public final class OnnxImporter {
    private OnnxImporter() {
    }

    /**
     * Reads and imports a model.
     *
     * @param file an ONNX file
     * @return the model, in evaluation mode (call {@code train(true)} to train it), owned by the caller
     * @throws OnnxModelException if the file is not a consistent ONNX model or not one conv4j imports
     * @throws IOException if the file cannot be read
     */
    public static Sequential importModel(Path file) throws IOException {
        return importModel(file, OnnxImportOptions.defaults());
    }

    /**
     * Reads and imports a model, taking from the options what the file leaves open.
     *
     * @param file an ONNX file
     * @param options the input shape for a file that leaves sizes after the batch open
     * @return the model, in evaluation mode (call {@code train(true)} to train it), owned by the caller
     * @throws OnnxModelException if the file is not a consistent ONNX model or not one conv4j imports
     * @throws IllegalArgumentException if the options' input shape does not fit the file's input
     * @throws IOException if the file cannot be read
     */
    public static Sequential importModel(Path file, OnnxImportOptions options) throws IOException {
        return importModel(OnnxModel.read(file), options);
    }

    /**
     * Imports a model already read. Its {@code preprocessing.*} metadata (which
     * {@link OnnxExporter} writes) becomes the model's {@link Sequential#preprocessing()}, its
     * {@code model.seed} the model's seed.
     *
     * @param model the model read by {@link OnnxModel#read(Path)}
     * @return the model, in evaluation mode, owned by the caller
     * @throws OnnxModelException if the model is not one conv4j imports
     */
    public static Sequential importModel(OnnxModel model) throws OnnxModelException {
        return importModel(model, OnnxImportOptions.defaults());
    }

    /**
     * Imports a model already read, taking from the options what the file leaves open: the
     * graph input's sizes after the batch ({@link OnnxImportOptions#inputShape}), which the layers'
     * shapes, a Flatten's features and a folded Reshape's target are computed from.
     *
     * @param model the model read by {@link OnnxModel#read(Path)}
     * @param options the input shape for a file that leaves sizes after the batch open
     * @return the model, in evaluation mode, owned by the caller
     * @throws OnnxModelException if the model is not one conv4j imports, or leaves sizes open that
     *     the options do not give (the message says how to give them)
     * @throws IllegalArgumentException if the options' input shape has another rank than the
     *     file's input or disagrees with a size the file fixes (naming the axis and both sizes)
     */
    public static Sequential importModel(OnnxModel model, OnnxImportOptions options) throws OnnxModelException {
        OnnxModel resolved = GraphInputShape.resolve(model, options);
        try {
            return chain(recognisePatterns(resolved));
        } catch (OnnxModelException e) {
            throw GraphInputShape.noting(e, options);
        }
    }

    private static Sequential chain(OnnxModel model) throws OnnxModelException {
        requireKnownOps(model, Set.of());
        List<OnnxNode> chain = NodeChain.of(model);
        OnnxValueInfo input = model.inputs().get(0);
        Shape shape = sampleShape(input);
        List<MappedLayer> mapped = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            OnnxNode node = chain.get(i);
            NodeContext context = new NodeContext(model, node, shape, i + 1 < chain.size() ? chain.get(i + 1) : null,
                    declaredBatch(input));
            OpMapper mapper = OpMappers.of(node.opType()).orElseThrow(() -> context.unsupported(
                    "it combines computed values, which OnnxImporter.importGraph maps onto a Graph; a chain uses it only as the "
                            + "bias of a MatMul"));
            for (MappedLayer layer : mapLayers(context, mapper)) {
                shape = outputShape(context, layer.layer(), shape);
                mapped.add(layer);
            }
            if (context.tookNext()) {
                i++;
            }
        }
        requireDeclaredOutput(model, shape);
        return build(model, input, mapped);
    }

    /**
     * Reads and imports a model onto a graph: residual networks, concatenated branches, gates,
     * and chains too.
     *
     * @param file an ONNX file
     * @return the model, in evaluation mode (call {@code train(true)} to train it), owned by the caller;
     *     its {@link Graph#namedParameters()} carry the initializers' names where they are PyTorch paths
     * @throws OnnxModelException if the file is not a consistent ONNX model or not one conv4j imports
     * @throws IOException if the file cannot be read
     */
    public static Graph importGraph(Path file) throws IOException {
        return importGraph(file, OnnxImportOptions.defaults());
    }

    /**
     * Reads and imports a model onto a graph, taking from the options what the file leaves open.
     *
     * @param file an ONNX file
     * @param options the input shape for a file that leaves sizes after the batch open
     * @return the model, in evaluation mode, owned by the caller
     * @throws OnnxModelException if the file is not a consistent ONNX model or not one conv4j imports
     * @throws IllegalArgumentException if the options' input shape does not fit the file's input
     * @throws IOException if the file cannot be read
     */
    public static Graph importGraph(Path file, OnnxImportOptions options) throws IOException {
        return importGraph(OnnxModel.read(file), options);
    }

    /**
     * Imports a model already read onto a graph, its metadata as {@link #importModel(OnnxModel)}
     * takes it.
     *
     * @param model the model read by {@link OnnxModel#read(Path)}
     * @return the model, in evaluation mode, owned by the caller
     * @throws OnnxModelException if the model is not one conv4j imports
     */
    public static Graph importGraph(OnnxModel model) throws OnnxModelException {
        return importGraph(model, OnnxImportOptions.defaults());
    }

    /**
     * Imports a model already read onto a graph, taking from the options what the file leaves
     * open, as {@link #importModel(OnnxModel, OnnxImportOptions)} does.
     *
     * @param model the model read by {@link OnnxModel#read(Path)}
     * @param options the input shape for a file that leaves sizes after the batch open
     * @return the model, in evaluation mode, owned by the caller
     * @throws OnnxModelException if the model is not one conv4j imports, or leaves sizes open that
     *     the options do not give
     * @throws IllegalArgumentException if the options' input shape does not fit the file's input
     */
    public static Graph importGraph(OnnxModel model, OnnxImportOptions options) throws OnnxModelException {
        OnnxModel resolved = recognisePatterns(GraphInputShape.resolve(model, options));
        try {
            // A graph import folds the shape arithmetic on computed values as it maps (GraphImport).
            requireKnownOps(resolved, ShapeArithmeticFolder.foldedOnImport(resolved));
            return withMetadata(resolved, GraphImport.of(resolved));
        } catch (OnnxModelException e) {
            throw GraphInputShape.noting(e, options);
        }
    }

    /**
     * The node chains PyTorch exports for one layer, replaced by that layer's node: SiLU and GELU
     * ({@link ActivationPatterns}), then the channel shuffle ({@link ChannelShufflePattern}). The
     * step both imports take before mapping, so a chain and a graph recognise the same patterns.
     */
    private static OnnxModel recognisePatterns(OnnxModel model) throws UnsupportedOnnxModelException {
        return ChannelShufflePattern.fuse(ActivationPatterns.fuse(model));
    }

    /**
     * Every op of a model whose SiLU, GELU and channel shuffle chains have been recognised must have
     * a mapper, be a merge or be one of {@code folded}, the shape arithmetic the import evaluates.
     */
    private static void requireKnownOps(OnnxModel model, Set<String> folded) throws UnsupportedOnnxModelException {
        Set<String> known = new TreeSet<>(OpMappers.known());
        known.addAll(OpMappers.patternOps());
        known.addAll(folded);
        Set<String> unknown = model.unsupportedOpTypes(known);
        if (!unknown.isEmpty()) {
            throw new UnsupportedOnnxModelException(model.source(), "uses op types conv4j does not map: "
                    + String.join(", ", unknown) + " (it maps " + String.join(", ", OpMappers.known())
                    + ", and SiLU, GELU and the channel shuffle as the node chains PyTorch exports for them)");
        }
    }

    /** The mapper's layers; a layer that conv4j refuses to configure is refused naming the node. */
    static List<MappedLayer> mapLayers(NodeContext context, OpMapper mapper) throws OnnxModelException {
        try {
            return mapper.map(context);
        } catch (IllegalArgumentException e) {
            throw context.unsupported("conv4j refuses its layer: " + e.getMessage());
        }
    }

    static Shape outputShape(NodeContext context, Layer layer, Shape sample) throws OnnxModelException {
        try {
            return layer.outputShape(sample.prependBatch(1)).dropBatch();
        } catch (IllegalArgumentException e) {
            throw context.unsupported("its input " + NodeContext.withBatch(sample) + " does not fit its layer: "
                    + e.getMessage());
        }
    }

    /**
     * The per-sample shape of the graph input, once {@link GraphInputShape#resolve} has fixed
     * every size after the batch within {@link OnnxImportOptions#MAX_SAMPLE_ELEMENTS}, so each fits an int.
     */
    static Shape sampleShape(OnnxValueInfo input) {
        return Shape.of(Arrays.stream(input.fixedSampleDims().orElseThrow()).mapToInt(Math::toIntExact).toArray());
    }

    static OptionalLong declaredBatch(OnnxValueInfo input) {
        OnnxDimension batch = input.shape().orElseThrow().get(0);
        return batch.isFixed() ? OptionalLong.of(batch.size()) : OptionalLong.empty();
    }

    /** The layers' output must be the graph output's declared shape (when it declares one). */
    static void requireDeclaredOutput(OnnxModel model, Shape sample) throws OnnxModelException {
        OnnxValueInfo output = model.outputs().get(0);
        if (output.shape().isEmpty()) {
            return;
        }
        List<OnnxDimension> declared = output.shape().get();
        boolean agrees = declared.size() == sample.rank() + 1;
        for (int i = 1; agrees && i < declared.size(); i++) {
            agrees = !declared.get(i).isFixed() || declared.get(i).size() == sample.dim(i - 1);
        }
        if (!agrees) {
            throw new MalformedOnnxModelException(model.source(), "graph output '" + output.name() + "' is declared "
                    + declared + " but its nodes compute " + NodeContext.withBatch(sample), null);
        }
    }

    private static Sequential build(OnnxModel model, OnnxValueInfo input, List<MappedLayer> mapped)
            throws OnnxModelException {
        List<Layer> layers = mapped.stream().map(MappedLayer::layer).toList();
        Sequential result;
        try {
            result = new Sequential(sampleShape(input), seed(model), layers);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedOnnxModelException(model.source(), "conv4j refuses the model's layers " + layers.stream()
                    .map(Layer::describe).toList() + ": " + e.getMessage());
        }
        try {
            for (int i = 0; i < mapped.size(); i++) {
                LayerBuffers.write(result, i, mapped.get(i).parameters(), mapped.get(i).state());
            }
        } catch (RuntimeException e) {
            result.close();
            throw e;
        }
        return withMetadata(model, result);
    }

    /** The model's seed: its {@code model.seed} metadata, else conv4j's default. */
    static long seed(OnnxModel model) throws MalformedOnnxModelException {
        String seed = model.metadata().get(ModelFile.SEED_KEY);
        return seed != null ? parseSeed(model, seed) : Sequential.DEFAULT_SEED;
    }

    /** Attaches the {@code preprocessing.*} metadata and puts the model in evaluation mode; closes it on failure. */
    private static <M extends Model> M withMetadata(OnnxModel model, M result) throws OnnxModelException {
        Map<String, String> metadata = model.metadata();
        try {
            if (metadata.containsKey(PreprocessingMetadata.VERSION_KEY)) {
                result.setPreprocessing(PreprocessingMetadata.decode(metadata, channels(result.sampleInput()),
                        Math.toIntExact(result.sampleOutput().size())).preprocessing());
            }
            result.train(false);
            return result;
        } catch (IllegalArgumentException e) {
            result.close();
            throw new MalformedOnnxModelException(model.source(), "metadata_props " + PreprocessingMetadata.PREFIX
                    + "*: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            result.close();
            throw e;
        }
    }

    private static int channels(Shape sample) {
        return sample.rank() == 3 ? sample.dim(0) : 1;
    }

    private static long parseSeed(OnnxModel model, String value) throws MalformedOnnxModelException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new MalformedOnnxModelException(model.source(), "metadata_props " + ModelFile.SEED_KEY + " is '"
                    + value + "', not an integer", e);
        }
    }

    /**
     * The op types {@link #importModel} maps onto layers; {@link #importGraph} maps these and the
     * merges Add, Sum, Concat and Mul.
     *
     * @return the op types, sorted
     */
    public static Set<String> mappedOpTypes() {
        return OpMappers.mapped();
    }
}

package io.github.conv4j.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An ONNX model read, checked and made ready for mapping onto conv4j layers: the ai.onnx opset,
 * the graph's inputs and outputs with their shapes, the initializers, and the nodes in
 * topological order after the shape arithmetic around reshapes has been folded to constants.
 * Immutable.
 *
 * <pre>{@code
 * OnnxModel model = OnnxModel.read(Path.of("resnet.onnx"));
 * Set<String> missing = model.unsupportedOpTypes(Set.of("Conv", "Relu", "Gemm"));
 * }</pre>
 *
 * <p>Files come from strangers, so reading never trusts them: every refusal is an
 * {@link OnnxModelException} whose one-line message names the file, the element at fault and the
 * value; no array is allocated before the bytes that fill it have been counted.
 */
public final class OnnxModel {
    /** The size limit of {@link #read(Path)}: 1 GiB, above any CNN conv4j trains. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    private final Path source;
    private final long irVersion;
    private final int opset;
    private final String producerName;
    private final String producerVersion;
    private final List<OnnxValueInfo> inputs;
    private final List<OnnxValueInfo> outputs;
    private final Map<String, OnnxTensor> initializers;
    private final Map<String, OnnxTensor> foldedConstants;
    private final List<OnnxNode> nodes;
    private final List<OnnxNode> foldedNodes;
    private final Map<String, String> metadata;

    OnnxModel(Path source, long irVersion, int opset, String producerName, String producerVersion,
            List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs, Map<String, OnnxTensor> initializers,
            Map<String, OnnxTensor> foldedConstants, List<OnnxNode> nodes, List<OnnxNode> foldedNodes,
            Map<String, String> metadata) {
        this.source = source;
        this.irVersion = irVersion;
        this.opset = opset;
        this.producerName = producerName;
        this.producerVersion = producerVersion;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        // Unmodifiable views of copies, not Map.copyOf: the file's order is kept for summaries.
        this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        this.foldedConstants = Collections.unmodifiableMap(new LinkedHashMap<>(foldedConstants));
        this.nodes = List.copyOf(nodes);
        this.foldedNodes = List.copyOf(foldedNodes);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * Reads a model of at most {@link #DEFAULT_MAX_BYTES}.
     *
     * @param file an ONNX file with its weights inside
     * @return the checked model
     * @throws MalformedOnnxModelException if the file is not a consistent ONNX model
     * @throws UnsupportedOnnxModelException if it is one that conv4j does not read
     * @throws IOException if the file cannot be read
     */
    public static OnnxModel read(Path file) throws IOException {
        return read(file, DEFAULT_MAX_BYTES);
    }

    /**
     * Reads a model of at most {@code maxBytes}.
     *
     * @param file an ONNX file with its weights inside
     * @param maxBytes the largest file accepted; protobuf reads at most 2 GiB in any case
     * @return the checked model
     * @throws MalformedOnnxModelException if the file is not a consistent ONNX model
     * @throws UnsupportedOnnxModelException if it is one that conv4j does not read, or larger than {@code maxBytes}
     * @throws IOException if the file cannot be read
     */
    public static OnnxModel read(Path file, long maxBytes) throws IOException {
        ModelFile modelFile = new ModelFile(file);
        return new ModelDecoder(modelFile).decode(modelFile.parse(maxBytes));
    }

    /**
     * This model with other nodes to map, for a pass that rewrites node patterns
     * ({@link ActivationPatterns}): the nodes must still read only values the model has.
     */
    OnnxModel withNodes(List<OnnxNode> newNodes) {
        return new OnnxModel(source, irVersion, opset, producerName, producerVersion, inputs, outputs, initializers,
                foldedConstants, newNodes, foldedNodes, metadata);
    }

    /**
     * Refuses a node of the file of one of {@code ops}: op types a pattern pass writes for a chain
     * it recognised, which are no ai.onnx operators, so a file's own node of one is nothing conv4j
     * reads; {@code readsAs} says how it reads what they stand for.
     *
     * @throws UnsupportedOnnxModelException naming the first such node
     */
    void refuseOwnNodes(Set<String> ops, String readsAs) throws UnsupportedOnnxModelException {
        for (OnnxNode node : nodes) {
            if (ops.contains(node.opType())) {
                throw new UnsupportedOnnxModelException(source, node.describe() + " uses op type '" + node.opType()
                        + "', which is no ai.onnx operator: conv4j reads " + readsAs);
            }
        }
    }

    /**
     * This model with the node chains a pattern pass recognised replaced: each key of
     * {@code fused} by its value (in the key's place), the nodes of {@code removed} (the rest of
     * each chain) dropped; the model itself when nothing was fused. The passes hand identity maps
     * and sets: two nodes of a file may be equal values.
     */
    OnnxModel withFused(Map<OnnxNode, OnnxNode> fused, Set<OnnxNode> removed) {
        if (fused.isEmpty()) {
            return this;
        }
        List<OnnxNode> kept = new ArrayList<>();
        for (OnnxNode node : nodes) {
            if (fused.containsKey(node)) {
                kept.add(fused.get(node));
            } else if (!removed.contains(node)) {
                kept.add(node);
            }
        }
        return withNodes(kept);
    }

    /**
     * This model with its one graph input declared as {@code resolved} (the sizes an import was
     * given for what the file leaves open), its nodes folded again: a Shape of that input, and the
     * arithmetic on it, folds once the input's dims are all fixed. The nodes folded at reading
     * stay folded; those folded now come after them, still in topological order, as they read
     * only constants.
     */
    OnnxModel withInput(OnnxValueInfo resolved) throws OnnxModelException {
        Map<String, OnnxTensor> constants = new LinkedHashMap<>(initializers);
        constants.putAll(foldedConstants);
        Map<String, long[]> declaredDims = resolved.fixedDims().map(d -> Map.of(resolved.name(), d)).orElse(Map.of());
        ShapeArithmeticFolder.Result refolded = ShapeArithmeticFolder.fold(new ModelFile(source), opset, nodes,
                constants, declaredDims);
        Map<String, OnnxTensor> allFolded = new LinkedHashMap<>(foldedConstants);
        allFolded.putAll(refolded.constants());
        List<OnnxNode> allFoldedNodes = new ArrayList<>(foldedNodes);
        allFoldedNodes.addAll(refolded.folded());
        return new OnnxModel(source, irVersion, opset, producerName, producerVersion, List.of(resolved), outputs,
                initializers, allFolded, refolded.remaining(), allFoldedNodes, metadata);
    }

    /**
     * The file the model was read from.
     *
     * @return the path as given to {@link #read(Path)}
     */
    public Path source() {
        return source;
    }

    /**
     * The ONNX IR version the file declares (8 for PyTorch 1.13).
     *
     * @return the IR version
     */
    public long irVersion() {
        return irVersion;
    }

    /**
     * The ai.onnx operator set version, which fixes the operators' signatures.
     *
     * @return a version from 11 to 17
     */
    public int opset() {
        return opset;
    }

    /**
     * The tool that wrote the file, such as {@code pytorch 1.13.1}.
     *
     * @return producer name and version, space-separated, possibly blank
     */
    public String producer() {
        return (producerName + " " + producerVersion).trim();
    }

    /**
     * The graph's inputs, initializers excluded.
     *
     * @return the inputs in file order
     */
    public List<OnnxValueInfo> inputs() {
        return inputs;
    }

    /**
     * The graph's outputs.
     *
     * @return the outputs in file order
     */
    public List<OnnxValueInfo> outputs() {
        return outputs;
    }

    /**
     * The file's initializers (weights, biases, BatchNorm statistics, shape constants) by name.
     *
     * @return an unmodifiable map in file order
     */
    public Map<String, OnnxTensor> initializers() {
        return initializers;
    }

    /**
     * The values computed at load time from constants and declared shapes, by name.
     *
     * @return an unmodifiable map in the order they were computed
     */
    public Map<String, OnnxTensor> foldedConstants() {
        return foldedConstants;
    }

    /**
     * A constant value: an initializer or a folded value.
     *
     * @param name the value's name
     * @return the tensor, or empty when the value is computed only when the model runs
     */
    public Optional<OnnxTensor> constant(String name) {
        OnnxTensor initializer = initializers.get(name);
        return initializer != null ? Optional.of(initializer) : Optional.ofNullable(foldedConstants.get(name));
    }

    /**
     * The nodes left to map onto layers, in topological order (each after the producers of its
     * inputs; among independent nodes, the file's order).
     *
     * @return the unfolded nodes
     */
    public List<OnnxNode> nodes() {
        return nodes;
    }

    /**
     * The nodes that were evaluated at load time (Constant, and shape arithmetic such as Shape,
     * Gather, Unsqueeze, Concat); their outputs are in {@link #foldedConstants()}.
     *
     * @return the folded nodes in topological order
     */
    public List<OnnxNode> foldedNodes() {
        return foldedNodes;
    }

    /**
     * The model's metadata_props.
     *
     * @return an unmodifiable map in file order
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * How many nodes of each op type are left to map.
     *
     * @return op type to count, sorted by op type
     */
    public Map<String, Integer> opTypeCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        nodes.forEach(node -> counts.merge(node.opType(), 1, Integer::sum));
        return Collections.unmodifiableMap(counts);
    }

    /**
     * The op types of {@link #nodes()} outside a supported set, so that a mapping can refuse a
     * model with the whole list at once rather than at its first unknown node.
     *
     * @param supported the op types a mapping handles
     * @return the others, sorted; empty when every node is supported
     */
    public Set<String> unsupportedOpTypes(Set<String> supported) {
        Set<String> unsupported = new TreeSet<>();
        for (OnnxNode node : nodes) {
            if (!supported.contains(node.opType())) {
                unsupported.add(node.opType());
            }
        }
        return Collections.unmodifiableSet(unsupported);
    }

    @Override
    public String toString() {
        return source + " (opset " + opset + ", " + producer() + "): " + inputs + " -> " + outputs + ", "
                + nodes.size() + " nodes, " + initializers.size() + " initializers";
    }
}

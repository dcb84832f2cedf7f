package io.github.conv4j.onnx;

import io.github.conv4j.nn.ChannelSlice;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.MergeLayer;
import io.github.conv4j.nn.Node;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Maps an ONNX model onto a {@link Graph}: every node (in the file's topological order) becomes a
 * graph node reading the graph nodes that compute its inputs, so that fan-out is the graph's; the
 * ops that join values become merge nodes ({@link MergeMappers}), every other op its mapper's
 * layers, one graph node each (a Split one per output). The shape arithmetic that reads computed
 * values ({@code x.size()} of a feature map) is folded on the way, since every computed value's
 * shape is known by then. The weights are copied, once the graph is built, through its
 * {@link Graph#namedParameters()} and {@link Graph#namedState()} views.
 */
final class GraphImport {
    private final OnnxModel model;
    /**
     * The values folded here, beside the model's constants: kept apart because a copy of the model
     * per folded node made an import quadratic in a file of many Shapes.
     */
    private final Map<String, OnnxTensor> foldedHere = new HashMap<>();
    private final ShapeArithmeticFolder folder;
    private final GraphBuilder builder;
    private final OptionalLong declaredBatch;
    private final GraphNodeNames names;
    /** The graph node computing each ONNX value read so far. */
    private final Map<String, Node> values = new HashMap<>();
    /** The nodes reading each computed value, to find the one node a mapper may take over. */
    private final ValueReaders readers;
    /** The values of each graph node with parameters or state, by node name. */
    private final Map<String, MappedLayer> weights = new LinkedHashMap<>();
    /** Folded values holding the unfixed batch size other than as a shape's first entry: no mapper may read them. */
    private final Set<String> batchValues = new HashSet<>();
    /** Nodes already computed by the layers of the node before them (a MatMul's bias Add). */
    private final Set<OnnxNode> taken = Collections.newSetFromMap(new IdentityHashMap<>());

    private GraphImport(OnnxModel model, OnnxValueInfo input) throws OnnxModelException {
        this.model = model;
        this.builder = new GraphBuilder(OnnxImporter.sampleShape(input));
        this.declaredBatch = OnnxImporter.declaredBatch(input);
        this.names = new GraphNodeNames(model);
        Map<String, OnnxTensor> constants = new HashMap<>(model.initializers());
        constants.putAll(model.foldedConstants());
        this.folder = new ShapeArithmeticFolder(new ModelFile(model.source()), model.opset(), constants, this::knownDims);
        values.put(input.name(), builder.input());
        this.readers = new ValueReaders(model);
    }

    /** The graph of a model of known ops, weights copied, not yet in evaluation mode. */
    static Graph of(OnnxModel model) throws OnnxModelException {
        if (model.inputs().size() != 1 || model.outputs().size() != 1) {
            throw new UnsupportedOnnxModelException(model.source(), "has " + model.inputs().size() + " inputs and "
                    + model.outputs().size() + " outputs: conv4j's graphs have one input and one output");
        }
        GraphImport graph = new GraphImport(model, model.inputs().get(0));
        for (OnnxNode node : model.nodes()) {
            if (!graph.taken.contains(node)) {
                graph.map(node);
            }
        }
        return graph.build(model.outputs().get(0).name(), OnnxImporter.seed(model));
    }

    private void map(OnnxNode node) throws OnnxModelException {
        Optional<OnnxTensor> folded = folder.fold(node);
        if (folded.isPresent()) {
            String output = folded.get().name();
            if (folder.holdsBatch(output) && !folder.keepsBatchFirst(output)) {
                // The batch, written as 0, means "the input's batch" only as a Reshape's first entry.
                batchValues.add(output);
            } else {
                foldedHere.put(output, folded.get());
            }
            return;
        }
        List<Node> inputs = new ArrayList<>();
        for (String value : NodeChain.computedInputs(this::constant, node)) {
            if (batchValues.contains(value)) {
                throw new UnsupportedOnnxModelException(model.source(), node.describe() + " reads '" + value
                        + "', computed from the batch size, which the graph input does not fix: conv4j maps the batch "
                        + "only as the first entry of a Reshape's shape (export with a fixed batch size)");
            }
            Node producer = values.get(value);
            if (producer == null) {
                throw new MalformedOnnxModelException(model.source(), node.describe() + " reads '" + value
                        + "', which no node before it computes and no initializer holds", null);
            }
            inputs.add(producer);
        }
        if (MergeMappers.passesThrough(node, inputs.size())) {
            values.put(node.outputs().get(0), inputs.get(0));
            return;
        }
        NodeContext context = new NodeContext(model, this::constant, node, dataShape(node, inputs), onlyReader(node),
                declaredBatch);
        if (node.opType().equals("Split")) {
            split(context, inputs.get(0));
            return;
        }
        requireOutputsUnread(context);
        Node out = MergeMappers.OPS.contains(node.opType()) ? merge(context, inputs) : layers(context, inputs.get(0));
        values.put(node.outputs().get(0), out);
        if (context.tookNext()) {
            OnnxNode next = onlyReader(node);
            taken.add(next);
            values.put(next.outputs().get(0), out);
        }
    }

    /** A constant of the model or a value folded here. */
    private Optional<OnnxTensor> constant(String name) {
        Optional<OnnxTensor> constant = model.constant(name);
        return constant.isPresent() ? constant : Optional.ofNullable(foldedHere.get(name));
    }

    private Shape dataShape(OnnxNode node, List<Node> inputs) throws UnsupportedOnnxModelException {
        if (inputs.isEmpty()) {
            throw new UnsupportedOnnxModelException(model.source(), node.describe() + " reads only constants: conv4j "
                    + "maps nodes that compute from the graph's input");
        }
        return inputs.get(0).sampleOutput();
    }

    private Node merge(NodeContext context, List<Node> inputs) throws OnnxModelException {
        MergeLayer layer = MergeMappers.map(context, inputs.stream().map(Node::sampleOutput).toList());
        return builder.add(names.of(context.node()), layer, inputs);
    }

    /**
     * The full dims of a computed value for a Shape of it: the declared batch first, or
     * {@link ShapeArithmeticFolder#UNKNOWN_BATCH} when the graph input does not fix it; null when
     * the value is not computed yet.
     */
    private long[] knownDims(String value) {
        Node producer = values.get(value);
        if (producer == null) {
            return null;
        }
        int[] sample = producer.sampleOutput().dims();
        long[] dims = new long[sample.length + 1];
        dims[0] = declaredBatch.orElse(ShapeArithmeticFolder.UNKNOWN_BATCH);
        for (int i = 0; i < sample.length; i++) {
            dims[i + 1] = sample[i];
        }
        return dims;
    }

    /** The mapper's layers one after the other, the first reading {@code input}. */
    private Node layers(NodeContext context, Node input) throws OnnxModelException {
        OpMapper mapper = OpMappers.of(context.node().opType()).orElseThrow(() -> unfolded(context));
        String first = names.of(context.node());
        Node current = input;
        for (MappedLayer mapped : OnnxImporter.mapLayers(context, mapper)) {
            String name = current == input ? first : names.next(first);
            OnnxImporter.outputShape(context, mapped.layer(), current.sampleOutput());
            current = builder.add(name, mapped.layer(), current);
            weights.put(name, mapped);
        }
        return current;
    }

    /** Why a node of shape arithmetic that reads a computed value could not be evaluated. */
    private UnsupportedOnnxModelException unfolded(NodeContext context) {
        return context.unsupported("conv4j evaluates " + context.node().opType() + " only when the model is read, "
                + "as shape arithmetic on constants and known shapes, and it reads computed values "
                + NodeChain.computedInputs(this::constant, context.node()));
    }

    /** A Split of channels: one ChannelSlice node per output that is read, each reading {@code input}. */
    private void split(NodeContext context, Node input) throws OnnxModelException {
        List<ChannelSlice> slices = ChannelMappers.splitSlices(context);
        String first = null;
        for (int i = 0; i < slices.size(); i++) {
            String output = context.node().outputs().get(i);
            if (!readers.isRead(output)) {
                continue;
            }
            String name = first == null ? names.of(context.node()) : names.next(first);
            first = first == null ? name : first;
            OnnxImporter.outputShape(context, slices.get(i), input.sampleOutput());
            values.put(output, builder.add(name, slices.get(i), input));
        }
    }

    /** The one node reading this node's output, which its mapper may take over; null if several or none. */
    private OnnxNode onlyReader(OnnxNode node) {
        return readers.only(node.outputs().get(0)).orElse(null);
    }

    /** conv4j's layers have one output: a node's further outputs (Dropout's mask) must go unread. */
    private void requireOutputsUnread(NodeContext context) throws UnsupportedOnnxModelException {
        List<String> outputs = context.node().outputs();
        for (String output : outputs.subList(1, outputs.size())) {
            if (readers.isRead(output)) {
                throw context.unsupported("its output " + outputs.indexOf(output) + " '" + output + "' is read: conv4j "
                        + "maps only a node's first output");
            }
        }
    }

    private Graph build(String output, long seed) throws OnnxModelException {
        Node last = values.get(output);
        if (last == null || last.isInput()) {
            throw new UnsupportedOnnxModelException(model.source(), "the graph output '" + output + "' is "
                    + (last == null ? "computed by no node" : "the graph input") + ": conv4j needs a node computing it");
        }
        OnnxImporter.requireDeclaredOutput(model, last.sampleOutput());
        Graph graph;
        try {
            graph = builder.build(last, seed);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedOnnxModelException(model.source(), "conv4j refuses the graph: " + e.getMessage());
        }
        try {
            copyWeights(graph);
            return graph;
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /** Each mapped value into the view its layer names: {@code <node>.weight}, {@code <node>.running_mean}. */
    private void copyWeights(Graph graph) {
        Map<String, Tensor> parameters = graph.namedParameters();
        Map<String, Tensor> state = graph.namedState();
        for (Map.Entry<String, MappedLayer> entry : weights.entrySet()) {
            Layer layer = entry.getValue().layer();
            copy(parameters, entry.getKey(), layer.parameterNames(), entry.getValue().parameters());
            copy(state, entry.getKey(), layer.stateNames(), entry.getValue().state());
        }
    }

    private static void copy(Map<String, Tensor> views, String node, List<String> names, List<float[]> values) {
        if (names.size() != values.size()) {
            throw new IllegalStateException("node '" + node + "' has " + names.size() + " tensors " + names + ", "
                    + values.size() + " mapped");
        }
        for (int i = 0; i < names.size(); i++) {
            views.get(GraphBuilder.join(node, names.get(i))).copyFrom(values.get(i));
        }
    }
}

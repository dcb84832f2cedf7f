package io.github.conv4j.onnx;

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
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Maps an ONNX model onto a {@link Graph}: every node (in the file's topological order) becomes a
 * graph node reading the graph nodes that compute its inputs, so that fan-out is the graph's; the
 * ops that join values become merge nodes ({@link MergeMappers}), every other op its mapper's
 * layers, one graph node each. The weights are copied, once the graph is built, through its
 * {@link Graph#namedParameters()} and {@link Graph#namedState()} views.
 */
final class GraphImport {
    private final OnnxModel model;
    private final GraphBuilder builder;
    private final OptionalLong declaredBatch;
    private final GraphNodeNames names;
    /** The graph node computing each ONNX value read so far. */
    private final Map<String, Node> values = new HashMap<>();
    /** The nodes reading each computed value, to find the one node a mapper may take over. */
    private final Map<String, List<OnnxNode>> readers = new HashMap<>();
    /** The values of each graph node with parameters or state, by node name. */
    private final Map<String, MappedLayer> weights = new LinkedHashMap<>();
    /** Nodes already computed by the layers of the node before them (a MatMul's bias Add). */
    private final Set<OnnxNode> taken = Collections.newSetFromMap(new IdentityHashMap<>());

    private GraphImport(OnnxModel model, OnnxValueInfo input) throws OnnxModelException {
        this.model = model;
        this.builder = new GraphBuilder(OnnxImporter.sampleShape(input));
        this.declaredBatch = OnnxImporter.declaredBatch(input);
        this.names = new GraphNodeNames(model);
        values.put(input.name(), builder.input());
        for (OnnxNode node : model.nodes()) {
            for (String value : NodeChain.computedInputs(model, node)) {
                readers.computeIfAbsent(value, v -> new ArrayList<>()).add(node);
            }
        }
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
        List<Node> inputs = new ArrayList<>();
        for (String value : NodeChain.computedInputs(model, node)) {
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
        NodeContext context = new NodeContext(model, node, dataShape(node, inputs), onlyReader(node), declaredBatch);
        requireOutputsUnread(context);
        Node out = MergeMappers.OPS.contains(node.opType()) ? merge(context, inputs) : layers(context, inputs.get(0));
        values.put(node.outputs().get(0), out);
        if (context.tookNext()) {
            OnnxNode next = onlyReader(node);
            taken.add(next);
            values.put(next.outputs().get(0), out);
        }
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

    /** The mapper's layers one after the other, the first reading {@code input}. */
    private Node layers(NodeContext context, Node input) throws OnnxModelException {
        OpMapper mapper = OpMappers.of(context.node().opType()).orElseThrow(
                () -> context.unsupported("conv4j has no mapper for it"));
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

    /** The one node reading this node's output, which its mapper may take over; null if several or none. */
    private OnnxNode onlyReader(OnnxNode node) {
        String output = node.outputs().get(0);
        List<OnnxNode> nodes = readers.getOrDefault(output, List.of());
        boolean graphOutput = model.outputs().get(0).name().equals(output);
        return nodes.size() == 1 && !graphOutput ? nodes.get(0) : null;
    }

    /** conv4j's layers have one output: a node's further outputs (Dropout's mask) must go unread. */
    private void requireOutputsUnread(NodeContext context) throws UnsupportedOnnxModelException {
        List<String> outputs = context.node().outputs();
        for (String output : outputs.subList(1, outputs.size())) {
            if (readers.containsKey(output) || model.outputs().get(0).name().equals(output)) {
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

package io.github.conv4j.onnx;

import io.github.conv4j.onnx.proto.OnnxProtos.AttributeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.GraphProto;
import io.github.conv4j.onnx.proto.OnnxProtos.NodeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TensorProto;
import io.github.conv4j.tensor.Shape;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph being exported, one layer after the other: a layer's nodes read the value it is
 * started on ({@link #startLayer}) and each following node the value the one before wrote. A chain
 * starts every layer on the previous one's output; a conv4j graph starts each on its input node's
 * output, and merges read several values ({@link #merge}), so that fan-out is just a value read
 * twice. Names follow PyTorch's exporter: initializers {@code <layer>.<role>} as in a state_dict
 * ({@code 0.weight}, {@code layer1.0.conv1.weight}), nodes {@code /<layer path>/<op>} and their
 * outputs {@code /<layer path>/<op>_output_0}.
 */
final class ExportGraph {
    /** The opset the exporter writes unless a layer needs a newer operator. */
    static final int BASE_OPSET = 13;

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("conv4j");
    private String current;
    private String layer;
    private int opset = BASE_OPSET;
    /** How many nodes took each name so far, to number the next one. */
    private final Map<String, Integer> nodeNames = new HashMap<>();

    ExportGraph(String input) {
        this.current = input;
    }

    /**
     * Starts the nodes of layer {@code name} (a Sequential's index, a graph node's dotted name),
     * reading {@code input}.
     */
    void startLayer(String name, String input) {
        layer = name;
        current = input;
    }

    /** The value the last node wrote: the output of the layer so far. */
    String current() {
        return current;
    }

    /** Adds an initializer {@code <layer>.<role>} holding {@code values} of {@code shape} (a scalar when null). */
    String initializer(String role, Shape shape, float[] values) {
        String name = layer + "." + role;
        long[] dims = shape == null ? new long[0] : Arrays.stream(shape.dims()).asLongStream().toArray();
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(OnnxDataType.FLOAT.code())
                .addAllDims(Arrays.stream(dims).boxed().toList()).setRawData(ByteString.copyFrom(bytes.array())));
        return name;
    }

    /** Adds a 1-D INT64 initializer {@code <layer>.<role>}: a Reshape's shape, a Slice's starts or ends. */
    String int64s(String role, long... values) {
        String name = layer + "." + role;
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(OnnxDataType.INT64.code())
                .addDims(values.length).addAllInt64Data(Arrays.stream(values).boxed().toList()));
        return name;
    }

    /** A node reading the current value, then {@code constants}, and writing the new current value. */
    void node(String opType, List<String> constants, AttributeProto... attributes) {
        List<String> inputs = new ArrayList<>();
        inputs.add(current);
        inputs.addAll(constants);
        apply(opType, inputs, attributes);
    }

    /**
     * A node of the current layer reading {@code inputs}, in order, and writing the new current
     * value: for a layer whose nodes read its input again further on (SiLU's x·sigmoid(x)).
     */
    void apply(String opType, List<String> inputs, AttributeProto... attributes) {
        String name = uniqueName("/" + layer.replace('.', '/') + "/" + opType);
        String output = name + "_output_0";
        graph.addNode(NodeProto.newBuilder().setName(name).setOpType(opType).addAllInput(inputs)
                .addOutput(output).addAllAttribute(List.of(attributes)));
        current = output;
    }

    /**
     * {@code base}, or for a layer's second node of one op type {@code base_1}, then
     * {@code base_2}, as PyTorch names them: ONNX needs every value's name unique.
     */
    private String uniqueName(String base) {
        int seen = nodeNames.merge(base, 1, Integer::sum) - 1;
        return seen == 0 ? base : base + "_" + seen;
    }

    /** A node of layer {@code name} reading {@code inputs}, in order, and writing the new current value. */
    void merge(String name, String opType, List<String> inputs, AttributeProto... attributes) {
        startLayer(name, inputs.get(0));
        node(opType, inputs.subList(1, inputs.size()), attributes);
    }

    /** Records that a node needs at least {@code version} (HardSwish came in opset 14). */
    void requireOpset(int version) {
        opset = Math.max(opset, version);
    }

    int opset() {
        return opset;
    }

    /** Renames the last node's output to {@code output}, the graph output's name, and returns the graph. */
    GraphProto.Builder finish(String output) {
        graph.getNodeBuilder(graph.getNodeCount() - 1).setOutput(0, output);
        return graph;
    }

    static AttributeProto ints(String name, long... values) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS)
                .addAllInts(Arrays.stream(values).boxed().toList()).build();
    }

    static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto number(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto text(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }
}

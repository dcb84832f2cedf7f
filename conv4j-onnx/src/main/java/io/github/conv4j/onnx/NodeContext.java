package io.github.conv4j.onnx;

import io.github.conv4j.tensor.Shape;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * What a mapper knows about the node it maps: the node, the per-sample shape of the value flowing
 * into it (the batch left out, as conv4j's layers see it), the model's constants, and the node
 * after it in the chain, which a mapper may take over (MatMul takes the Add of its bias). Every
 * refusal made here names the file, the node and the value at fault.
 */
final class NodeContext {
    private final OnnxModel model;
    private final Function<String, Optional<OnnxTensor>> constants;
    private final OnnxNode node;
    private final Shape input;
    private final OnnxNode next;
    private final OptionalLong declaredBatch;
    private final NodeAttributes attributes = new NodeAttributes(this);
    private boolean nextTaken;

    NodeContext(OnnxModel model, OnnxNode node, Shape input, OnnxNode next, OptionalLong declaredBatch) {
        this(model, model::constant, node, input, next, declaredBatch);
    }

    /** A context whose constants are those of {@code constants}: the model's and what a graph import folded. */
    NodeContext(OnnxModel model, Function<String, Optional<OnnxTensor>> constants, OnnxNode node, Shape input,
            OnnxNode next, OptionalLong declaredBatch) {
        this.model = model;
        this.constants = constants;
        this.node = node;
        this.input = input;
        this.next = next;
        this.declaredBatch = declaredBatch;
    }

    OnnxNode node() {
        return node;
    }

    /** The per-sample shape of the node's data input, such as [3, 32, 32]. */
    Shape input() {
        return input;
    }

    NodeAttributes attributes() {
        return attributes;
    }

    int opset() {
        return model.opset();
    }

    /** The batch size the graph input declares, when it is fixed (exporters often fix it). */
    OptionalLong declaredBatch() {
        return declaredBatch;
    }

    /** The node after this one in the chain, if any and not yet taken. */
    Optional<OnnxNode> next() {
        return nextTaken ? Optional.empty() : Optional.ofNullable(next);
    }

    /** Marks the next node as computed by this node's layers, so that it is not mapped again. */
    void takeNext() {
        if (next == null || nextTaken) {
            throw new IllegalStateException(node.describe() + " has no next node to take");
        }
        nextTaken = true;
    }

    boolean tookNext() {
        return nextTaken;
    }

    /** Refuses an input whose per-sample rank is not {@code rank}, naming the layout expected. */
    void requireInputRank(int rank, String layout) throws UnsupportedOnnxModelException {
        if (input.rank() != rank) {
            throw unsupported("its input has shape " + withBatch(input) + ": conv4j maps it on " + layout + " inputs");
        }
    }

    /** A constant of the model by name: an initializer or a folded value. */
    Optional<OnnxTensor> constant(String name) {
        return constants.apply(name);
    }

    /** The constant at input {@code index}, refused when absent or computed by the graph. */
    OnnxTensor constantInput(int index, String role) throws OnnxModelException {
        return optionalConstantInput(index, role).orElseThrow(() -> malformed("has no " + role + " (input " + index + ")"));
    }

    /** The constant at input {@code index}, or empty when the input is omitted. */
    Optional<OnnxTensor> optionalConstantInput(int index, String role) throws UnsupportedOnnxModelException {
        if (index >= node.inputs().size() || node.inputs().get(index).isEmpty()) {
            return Optional.empty();
        }
        String name = node.inputs().get(index);
        Optional<OnnxTensor> constant = constants.apply(name);
        if (constant.isEmpty()) {
            throw unsupported(role + " '" + name + "' (input " + index + ") is computed by the graph: conv4j maps it "
                    + "only as a constant (an initializer)");
        }
        return constant;
    }

    /** The values of a FLOAT constant. */
    float[] floats(OnnxTensor tensor, String role) throws MalformedOnnxModelException {
        if (tensor.dataType() != OnnxDataType.FLOAT) {
            throw malformed(role + " '" + tensor.name() + "' is " + tensor.dataType() + ", not FLOAT");
        }
        return tensor.floats();
    }

    /** The one value of a FLOAT scalar (or one-element) constant. */
    float scalar(OnnxTensor tensor, String role) throws MalformedOnnxModelException {
        float[] values = floats(tensor, role);
        if (values.length != 1) {
            throw malformed(role + " '" + tensor.name() + "' has shape " + Arrays.toString(tensor.dims())
                    + ", not a scalar");
        }
        return values[0];
    }

    /** Refuses a constant whose dims are not {@code expected}, naming both shapes and what they must agree with. */
    void requireDims(OnnxTensor tensor, String role, long[] expected, String because)
            throws MalformedOnnxModelException {
        if (!Arrays.equals(tensor.dims(), expected)) {
            throw malformed(role + " '" + tensor.name() + "' has shape " + Arrays.toString(tensor.dims()) + " but "
                    + because + " needs " + Arrays.toString(expected));
        }
    }

    /** The input shape with the batch in front, as ONNX writes it: [N, 3, 32, 32]. */
    static String withBatch(Shape sample) {
        StringBuilder b = new StringBuilder("[N");
        for (int d : sample.dims()) {
            b.append(", ").append(d);
        }
        return b.append(']').toString();
    }

    UnsupportedOnnxModelException unsupported(String detail) {
        return new UnsupportedOnnxModelException(model.source(), node.describe() + ": " + detail);
    }

    MalformedOnnxModelException malformed(String detail) {
        return new MalformedOnnxModelException(model.source(), node.describe() + ": " + detail, null);
    }
}

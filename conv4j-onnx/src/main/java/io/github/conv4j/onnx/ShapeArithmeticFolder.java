package io.github.conv4j.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongBinaryOperator;

/**
 * Evaluates, once at load time, the nodes whose outputs depend on constants and declared shapes
 * only: the shape arithmetic that PyTorch writes around a Reshape ({@code x.view(x.size(0), -1)}
 * becomes Shape, Gather, Unsqueeze, Concat) and Constant nodes. Their outputs become constants,
 * so that the mapping onto layers finds a Reshape's shape or a Clip's bounds as plain tensors and
 * never has to run integer arithmetic.
 *
 * <p>A node is folded when every input it reads is a constant (Shape: when its input's dims are
 * known from an initializer, a folded constant or a fixed declared shape) and the case is one
 * that shape arithmetic uses (rank-1 Gather, Concat and Slice, INT64 Add, Mul and Div, Cast
 * between FLOAT and INT64) or an Identity of a constant; any other node is left for the mapping.
 * A case that no valid model contains (an index out of range, a division by zero) is refused.
 *
 * <p>Reading the file folds what constants and declared shapes give ({@link #fold(ModelFile, int,
 * List, Map, Map)}); a graph import folds the rest as it maps, node by node ({@link #fold(OnnxNode)}),
 * since it knows the shape of every value it has computed: the Shape of a feature map, which
 * PyTorch's {@code x.size()} and {@code x.chunk(2, dim=1)} write (ShuffleNetV2), folds there.
 *
 * <p>When the graph input's batch is not fixed, a Shape's batch entry stays symbolic: it is
 * written as 0 and flagged, the flags following it through the ops that only move values (Gather,
 * Unsqueeze, Concat, Slice, Identity, a Cast to INT64), so that {@code x.view(x.size(0), ...)}
 * folds to a shape starting with 0, which a Reshape reads as "the input's batch". A node that
 * computes with the batch (Add, Mul, Div, a Cast to FLOAT, an index or bound made of it) is not
 * folded.
 *
 * <p>The values it computes are a file's shape arithmetic, a few numbers per Reshape, so one
 * folder computes at most {@link #MAX_COMPUTED} values in all: a small file whose Concats repeat
 * their inputs, or whose Unsqueezes or Casts pile up, is refused naming the node that would pass
 * that, before anything of its size is allocated.
 */
final class ShapeArithmeticFolder {
    /** The op types this folds when their inputs are constants (some are also mapped when they are not). */
    static final Set<String> OPS = Set.of("Constant", "Shape", "Gather", "Unsqueeze", "Concat", "Slice", "Add",
            "Mul", "Div", "Cast", "Identity");
    /** The ops that move values without computing with them, which carry a symbolic batch along. */
    private static final Set<String> MOVES = Set.of("Gather", "Unsqueeze", "Concat", "Slice", "Identity", "Cast");
    /** The batch entry of a value's dims (given to the constructor) when the batch is not fixed. */
    static final long UNKNOWN_BATCH = -1;
    /**
     * The most values (and dims) one folder computes: 2^20, thousands of times what the shape
     * arithmetic of any CNN holds, and 8 MiB of longs.
     */
    static final long MAX_COMPUTED = 1 << 20;

    /**
     * What folding left.
     *
     * @param remaining the nodes not folded, still in topological order
     * @param constants the folded values by name
     * @param folded the nodes that were evaluated
     */
    record Result(List<OnnxNode> remaining, Map<String, OnnxTensor> constants, List<OnnxNode> folded) {
    }

    private final ModelFile file;
    private final int opset;
    private final Map<String, OnnxTensor> constants = new HashMap<>();
    private final Function<String, long[]> knownDims;
    /** For each constant holding the symbolic batch: an INT64 tensor of its dims, 1 where the batch is. */
    private final Map<String, OnnxTensor> batchFlags = new HashMap<>();
    /** The values and dims computed so far, against {@link #MAX_COMPUTED}. */
    private long computed;

    /** What a value's evaluation gives: the value, and its batch flags (null when it holds no batch). */
    private record Folded(OnnxTensor value, OnnxTensor flags) {
    }

    /**
     * A folder starting from {@code constants}.
     *
     * @param file the file, for refusals
     * @param opset the model's ai.onnx opset
     * @param constants the values known so far by name
     * @param knownDims the full dims (batch first, {@link #UNKNOWN_BATCH} when it is not fixed) of a value
     *     that is no constant, or null when unknown
     */
    ShapeArithmeticFolder(ModelFile file, int opset, Map<String, OnnxTensor> constants,
            Function<String, long[]> knownDims) {
        this.file = file;
        this.opset = opset;
        this.constants.putAll(constants);
        this.knownDims = knownDims;
    }

    /**
     * Folds what can be folded.
     *
     * @param file the file, for refusals
     * @param opset the model's ai.onnx opset (Unsqueeze and Shape changed their signatures)
     * @param sorted the nodes in topological order
     * @param initializers the file's initializers by name
     * @param declaredDims the fixed shapes the graph declares for its inputs and intermediate values
     */
    static Result fold(ModelFile file, int opset, List<OnnxNode> sorted, Map<String, OnnxTensor> initializers,
            Map<String, long[]> declaredDims) throws OnnxModelException {
        ShapeArithmeticFolder folder = new ShapeArithmeticFolder(file, opset, initializers, declaredDims::get);
        List<OnnxNode> remaining = new ArrayList<>();
        List<OnnxNode> folded = new ArrayList<>();
        Map<String, OnnxTensor> produced = new LinkedHashMap<>();
        for (OnnxNode node : sorted) {
            Optional<OnnxTensor> value = folder.fold(node);
            if (value.isEmpty()) {
                remaining.add(node);
                continue;
            }
            produced.put(value.get().name(), value.get());
            folded.add(node);
        }
        return new Result(List.copyOf(remaining), produced, List.copyOf(folded));
    }

    /**
     * The op types of the nodes a graph import will fold once it knows the shapes of computed
     * values: each Shape, and each op of {@link #OPS} whose computed inputs all come from Shapes
     * through such ops. Another node of an op only folded here (a Div of a feature map) stays
     * unknown, so that a model of it is refused with every op type it lacks at once.
     */
    static Set<String> foldedOnImport(OnnxModel model) {
        Set<String> shapeValues = new HashSet<>();
        Set<String> opTypes = new TreeSet<>();
        for (OnnxNode node : model.nodes()) {
            List<String> computed = NodeChain.computedInputs(model, node);
            boolean fromShapes = node.opType().equals("Shape")
                    || (OPS.contains(node.opType()) && !computed.isEmpty() && shapeValues.containsAll(computed));
            if (fromShapes) {
                shapeValues.addAll(node.outputs());
                opTypes.add(node.opType());
            }
        }
        return opTypes;
    }

    /**
     * Evaluates one node, given in topological order, if it can be: its output, named, is then a
     * constant of the nodes after it.
     *
     * @return the node's output, or empty when it is left for the mapping
     */
    Optional<OnnxTensor> fold(OnnxNode node) throws OnnxModelException {
        Optional<Folded> folded = node.outputs().size() == 1 ? evaluate(node) : Optional.empty();
        if (folded.isEmpty()) {
            return Optional.empty();
        }
        String output = node.outputs().get(0);
        OnnxTensor tensor = folded.get().value().renamed(output);
        constants.put(output, tensor);
        if (folded.get().flags() != null && Arrays.stream(folded.get().flags().longs()).anyMatch(f -> f != 0)) {
            batchFlags.put(output, folded.get().flags());
        }
        return Optional.of(tensor);
    }

    /** Whether a folded value holds the symbolic batch (written as 0). */
    boolean holdsBatch(String value) {
        return batchFlags.containsKey(value);
    }

    /**
     * Whether a folded value holding the symbolic batch is a shape whose first entry, alone, is
     * the batch: [0, …] of two or more entries, which a Reshape reads as keeping the batch.
     */
    boolean keepsBatchFirst(String value) {
        long[] flags = batchFlags.get(value).longs();
        return flags.length >= 2 && batchFlags.get(value).rank() == 1 && flags[0] == 1
                && Arrays.stream(flags).skip(1).allMatch(f -> f == 0);
    }

    private Optional<Folded> evaluate(OnnxNode node) throws OnnxModelException {
        if (node.opType().equals("Constant")) {
            return Optional.of(new Folded(constantNode(node), null));
        }
        if (node.opType().equals("Shape")) {
            return shape(node);
        }
        List<OnnxTensor> inputs = new ArrayList<>();
        for (String input : node.inputs()) {
            if (!input.isEmpty() && !constants.containsKey(input)) {
                return Optional.empty();
            }
            inputs.add(input.isEmpty() ? null : constants.get(input));
        }
        // A node missing a required input is the mapping's to refuse, with the operator's signature at hand.
        int required = Set.of("Gather", "Add", "Mul", "Div").contains(node.opType()) ? 2 : 1;
        if (inputs.size() < required || inputs.subList(0, required).contains(null)) {
            return Optional.empty();
        }
        if (node.inputs().stream().noneMatch(batchFlags::containsKey)) {
            return apply(node, inputs).map(value -> new Folded(value, null));
        }
        // The flags of a value that moves values alone are that op applied to its data's flags.
        int data = node.opType().equals("Concat") ? inputs.size() : 1;
        boolean movesBatch = MOVES.contains(node.opType()) && !(node.opType().equals("Cast")
                && intAttribute(node, "to", 0) != OnnxDataType.INT64.code())
                && node.inputs().stream().skip(data).noneMatch(batchFlags::containsKey);
        if (!movesBatch || inputs.subList(0, data).contains(null)) {
            return Optional.empty();
        }
        List<OnnxTensor> flagInputs = new ArrayList<>(inputs);
        for (int i = 0; i < data; i++) {
            OnnxTensor flags = batchFlags.get(node.inputs().get(i));
            flagInputs.set(i, flags != null ? flags : OnnxTensor.ofLongs("", inputs.get(i).dims(),
                    new long[inputs.get(i).size()]));
        }
        Optional<OnnxTensor> value = apply(node, inputs);
        Optional<OnnxTensor> flags = apply(node, flagInputs);
        return value.isPresent() && flags.isPresent() ? Optional.of(new Folded(value.get(), flags.get()))
                : Optional.empty();
    }

    /** The value of a node of shape arithmetic on {@code inputs}, or empty when it is no case conv4j folds. */
    private Optional<OnnxTensor> apply(OnnxNode node, List<OnnxTensor> inputs) throws OnnxModelException {
        switch (node.opType()) {
            case "Gather":
                return gather(node, inputs.get(0), inputs.get(1));
            case "Unsqueeze":
                return unsqueeze(node, inputs);
            case "Concat":
                return concat(node, inputs);
            case "Slice":
                return slice(node, inputs);
            case "Add":
                return elementwise(node, inputs.get(0), inputs.get(1), Math::addExact);
            case "Mul":
                return elementwise(node, inputs.get(0), inputs.get(1), Math::multiplyExact);
            case "Div":
                // Truncation toward zero, as onnxruntime divides integers; -2^63 / -1 is 2^63, past int64.
                return elementwise(node, inputs.get(0), inputs.get(1), (a, b) -> b == -1 ? Math.negateExact(a) : a / b);
            case "Cast":
                return cast(node, inputs.get(0));
            case "Identity":
                // PyTorch writes an Identity of an initializer where two modules share one weight tensor.
                return Optional.of(inputs.get(0));
            default:
                return Optional.empty();
        }
    }

    private OnnxTensor constantNode(OnnxNode node) throws OnnxModelException {
        if (node.attributes().size() != 1) {
            throw file.malformed(node.describe() + " has attributes " + node.attributes().keySet()
                    + "; a Constant has exactly one value attribute");
        }
        OnnxAttribute value = node.attributes().values().iterator().next();
        String name = value.name();
        if (name.equals("value") && value instanceof OnnxAttribute.TensorAttribute tensor) {
            return tensor.value();
        }
        if (name.equals("value_float") && value instanceof OnnxAttribute.FloatAttribute f) {
            return OnnxTensor.ofFloats(name, new long[0], new float[] {f.value()});
        }
        if (name.equals("value_floats") && value instanceof OnnxAttribute.FloatsAttribute fs) {
            float[] values = new float[fs.values().size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = fs.values().get(i);
            }
            return OnnxTensor.ofFloats(name, new long[] {values.length}, values);
        }
        if (name.equals("value_int") && value instanceof OnnxAttribute.IntAttribute i) {
            return OnnxTensor.ofLongs(name, new long[0], new long[] {i.value()});
        }
        if (name.equals("value_ints") && value instanceof OnnxAttribute.IntsAttribute is) {
            long[] values = is.values().stream().mapToLong(Long::longValue).toArray();
            return OnnxTensor.ofLongs(name, new long[] {values.length}, values);
        }
        throw file.unsupported(node.describe() + ": attribute '" + name
                + "' is not a value conv4j reads (value, value_float(s), value_int(s))");
    }

    private Optional<Folded> shape(OnnxNode node) throws OnnxModelException {
        String input = node.inputs().isEmpty() ? "" : node.inputs().get(0);
        long[] dims = constants.containsKey(input) ? constants.get(input).dims() : knownDims.apply(input);
        if (dims == null) {
            return Optional.empty();
        }
        int rank = dims.length;
        // Opset 15 added start and end; before it they are absent and the defaults give the whole shape.
        int start = clampAxis(intAttribute(node, "start", 0), rank);
        int end = clampAxis(intAttribute(node, "end", rank), rank);
        charge(node, 2L * Math.max(0, end - start));
        long[] slice = Arrays.copyOfRange(dims, start, Math.max(start, end));
        long[] flags = new long[slice.length];
        if (start == 0 && slice.length > 0 && slice[0] == UNKNOWN_BATCH) {
            slice[0] = 0;
            flags[0] = 1;
        }
        long[] sliceDims = {slice.length};
        return Optional.of(new Folded(OnnxTensor.ofLongs("", sliceDims, slice), OnnxTensor.ofLongs("", sliceDims, flags)));
    }

    private static int clampAxis(long axis, int rank) {
        long normalized = axis < 0 ? axis + rank : axis;
        return (int) Math.max(0, Math.min(rank, normalized));
    }

    private Optional<OnnxTensor> gather(OnnxNode node, OnnxTensor data, OnnxTensor indices) throws OnnxModelException {
        long axis = intAttribute(node, "axis", 0);
        if (data.rank() != 1 || (axis != 0 && axis != -1) || indices.dataType() != OnnxDataType.INT64) {
            return Optional.empty();
        }
        int length = data.size();
        charge(node, indices.size() + indices.rank());
        long[] positions = indices.longs();
        for (int i = 0; i < positions.length; i++) {
            long position = positions[i] < 0 ? positions[i] + length : positions[i];
            if (position < 0 || position >= length) {
                throw file.malformed(node.describe() + ": index " + positions[i] + " of '" + node.inputs().get(1)
                        + "' is out of range for '" + node.inputs().get(0) + "' of length " + length);
            }
            positions[i] = position;
        }
        if (data.dataType() == OnnxDataType.INT64) {
            long[] source = data.longs();
            return Optional.of(OnnxTensor.ofLongs("", indices.dims(),
                    Arrays.stream(positions).map(p -> source[(int) p]).toArray()));
        }
        float[] source = data.floats();
        float[] gathered = new float[positions.length];
        for (int i = 0; i < gathered.length; i++) {
            gathered[i] = source[(int) positions[i]];
        }
        return Optional.of(OnnxTensor.ofFloats("", indices.dims(), gathered));
    }

    private Optional<OnnxTensor> unsqueeze(OnnxNode node, List<OnnxTensor> inputs) throws OnnxModelException {
        OnnxTensor data = inputs.get(0);
        long[] axes;
        if (opset >= 13) {
            // Opset 13 moved axes from an attribute to the second input.
            if (inputs.size() < 2 || inputs.get(1) == null || inputs.get(1).dataType() != OnnxDataType.INT64) {
                return Optional.empty();
            }
            axes = inputs.get(1).longs();
        } else {
            Optional<OnnxAttribute> attribute = node.attribute("axes");
            if (attribute.isEmpty() || !(attribute.get() instanceof OnnxAttribute.IntsAttribute ints)) {
                return Optional.empty();
            }
            axes = ints.values().stream().mapToLong(Long::longValue).toArray();
        }
        int outRank = data.rank() + axes.length;
        charge(node, outRank);
        boolean[] inserted = new boolean[outRank];
        for (long axis : axes) {
            long normalized = axis < 0 ? axis + outRank : axis;
            if (normalized < 0 || normalized >= outRank || inserted[(int) normalized]) {
                throw file.malformed(node.describe() + ": axes " + Arrays.toString(axes)
                        + " are out of range or repeated for an output of rank " + outRank);
            }
            inserted[(int) normalized] = true;
        }
        long[] inDims = data.dims();
        long[] outDims = new long[outRank];
        for (int axis = 0, next = 0; axis < outRank; axis++) {
            outDims[axis] = inserted[axis] ? 1 : inDims[next++];
        }
        return Optional.of(data.reshaped("", outDims));
    }

    private Optional<OnnxTensor> concat(OnnxNode node, List<OnnxTensor> inputs) throws OnnxModelException {
        long axis = intAttribute(node, "axis", 0);
        if (inputs.isEmpty() || (axis != 0 && axis != -1)) {
            return Optional.empty();
        }
        long total = 0;
        for (OnnxTensor input : inputs) {
            if (input == null || input.rank() != 1 || input.dataType() != OnnxDataType.INT64) {
                return Optional.empty();
            }
            total += input.size();
        }
        // A Concat may name one value many times: its output grows past its inputs, so it is counted first.
        charge(node, total);
        long[] values = new long[(int) total];
        int next = 0;
        for (OnnxTensor input : inputs) {
            long[] part = input.longs();
            System.arraycopy(part, 0, values, next, part.length);
            next += part.length;
        }
        return Optional.of(OnnxTensor.ofLongs("", new long[] {values.length}, values));
    }

    private Optional<OnnxTensor> slice(OnnxNode node, List<OnnxTensor> inputs) throws OnnxModelException {
        // Opset 10 moved starts, ends, axes and steps from attributes to inputs; this reader needs opset 11+.
        OnnxTensor data = inputs.get(0);
        if (data.rank() != 1 || data.dataType() != OnnxDataType.INT64 || inputs.size() < 3) {
            return Optional.empty();
        }
        Optional<Long> start = single(inputs.get(1));
        Optional<Long> end = single(inputs.get(2));
        Optional<Long> axis = inputs.size() > 3 && inputs.get(3) != null ? single(inputs.get(3)) : Optional.of(0L);
        Optional<Long> step = inputs.size() > 4 && inputs.get(4) != null ? single(inputs.get(4)) : Optional.of(1L);
        if (start.isEmpty() || end.isEmpty() || axis.isEmpty() || step.isEmpty()
                || (axis.get() != 0 && axis.get() != -1)) {
            return Optional.empty();
        }
        if (step.get() == 0) {
            throw file.malformed(node.describe() + " has step 0 in '" + node.inputs().get(4) + "'");
        }
        long[] source = data.longs();
        long n = source.length;
        long s = step.get();
        // The specification's clamping: positive steps clamp to [0, n], negative ones to [-1, n - 1].
        long from = start.get() < 0 ? start.get() + n : start.get();
        long to = end.get() < 0 ? end.get() + n : end.get();
        from = s > 0 ? Math.max(0, Math.min(n, from)) : Math.max(0, Math.min(n - 1, from));
        to = s > 0 ? Math.max(0, Math.min(n, to)) : Math.max(-1, Math.min(n - 1, to));
        // Counted rather than stepped to: from + step may pass 2^63 (PyTorch writes INT64_MAX as "to the end").
        long count = n == 0 ? 0 : s > 0 ? (to > from ? (to - from - 1) / s + 1 : 0)
                : (from > to ? (to - from + 1) / s + 1 : 0);
        charge(node, count);
        long[] values = new long[(int) count];
        for (int k = 0; k < values.length; k++) {
            values[k] = source[(int) (from + k * s)];
        }
        return Optional.of(OnnxTensor.ofLongs("", new long[] {values.length}, values));
    }

    private static Optional<Long> single(OnnxTensor tensor) {
        if (tensor == null || tensor.size() != 1 || tensor.rank() > 1 || tensor.dataType() != OnnxDataType.INT64) {
            return Optional.empty();
        }
        return Optional.of(tensor.longs()[0]);
    }

    /** INT64 arithmetic with the broadcasting shape arithmetic uses: equal dims, or a one-value operand. */
    private Optional<OnnxTensor> elementwise(OnnxNode node, OnnxTensor a, OnnxTensor b, LongBinaryOperator op)
            throws OnnxModelException {
        if (a.dataType() != OnnxDataType.INT64 || b.dataType() != OnnxDataType.INT64) {
            return Optional.empty();
        }
        OnnxTensor shapeGiver;
        if (Arrays.equals(a.dims(), b.dims()) || (b.size() == 1 && b.rank() <= a.rank())) {
            shapeGiver = a;
        } else if (a.size() == 1 && a.rank() <= b.rank()) {
            shapeGiver = b;
        } else {
            return Optional.empty();
        }
        charge(node, shapeGiver.size() + shapeGiver.rank());
        long[] left = a.longs();
        long[] right = b.longs();
        long[] result = new long[shapeGiver.size()];
        for (int i = 0; i < result.length; i++) {
            long l = left[left.length == 1 ? 0 : i];
            long r = right[right.length == 1 ? 0 : i];
            try {
                result[i] = op.applyAsLong(l, r);
            } catch (ArithmeticException e) {
                // No shape arithmetic of a valid model divides by zero or overflows 64 bits.
                throw file.malformed(node.describe() + (r == 0 ? " divides by zero" : " overflows 64 bits") + " ('"
                        + node.inputs().get(0) + "' " + l + ", '" + node.inputs().get(1) + "' " + r + ")");
            }
        }
        return Optional.of(OnnxTensor.ofLongs("", shapeGiver.dims(), result));
    }

    private Optional<OnnxTensor> cast(OnnxNode node, OnnxTensor input) throws OnnxModelException {
        long to = intAttribute(node, "to", OnnxDataType.UNDEFINED.code());
        boolean converts = (to == OnnxDataType.INT64.code() || to == OnnxDataType.FLOAT.code())
                && to != input.dataType().code();
        if (converts) {
            charge(node, input.size() + input.rank());
        }
        if (to == OnnxDataType.INT64.code()) {
            return Optional.of(input.dataType() == OnnxDataType.INT64 ? input : OnnxTensor.ofLongs("", input.dims(),
                    toLongs(input.floats())));
        }
        if (to == OnnxDataType.FLOAT.code()) {
            return Optional.of(input.dataType() == OnnxDataType.FLOAT ? input : OnnxTensor.ofFloats("", input.dims(),
                    toFloats(input.longs())));
        }
        return Optional.empty();
    }

    private static long[] toLongs(float[] values) {
        long[] result = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (long) values[i];
        }
        return result;
    }

    private static float[] toFloats(long[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }

    /** Counts {@code values} about to be computed for {@code node}, refusing the node past {@link #MAX_COMPUTED}. */
    private void charge(OnnxNode node, long values) throws OnnxModelException {
        if (values > MAX_COMPUTED - computed) {
            throw file.unsupported(node.describe() + ": folding it computes " + values + " values after " + computed
                    + " for the nodes before it, past the " + MAX_COMPUTED + " that conv4j evaluates of a model's shape "
                    + "arithmetic");
        }
        computed += values;
    }

    private static long intAttribute(OnnxNode node, String name, long fallback) {
        return node.attribute(name).filter(a -> a instanceof OnnxAttribute.IntAttribute)
                .map(a -> ((OnnxAttribute.IntAttribute) a).value()).orElse(fallback);
    }
}

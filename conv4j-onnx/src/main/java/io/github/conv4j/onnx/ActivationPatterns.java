package io.github.conv4j.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Recognises the node chains that PyTorch's exporter (and {@link ActivationExports}) writes for
 * the activations opset 13 has no operator for, and replaces each by one node of a conv4j op type
 * ({@link #SILU}, {@link #GELU}, {@link #GELU_TANH}) that {@link OpMappers} maps onto one layer:
 * <ul>
 * <li>SiLU: Sigmoid(x), then Mul(x, ·);</li>
 * <li>GELU: Div(x, √2), Erf, Add(·, 1), Mul(x, ·), Mul(·, 0.5);</li>
 * <li>GELU, tanh form: Mul(x, x), Mul(x, ·), Mul(0.044715, ·), Add(x, ·), Mul(√(2/π), ·), Tanh,
 * Add(1, ·), Mul(x, ·), Mul(0.5, ·).</li>
 * </ul>
 * Mul's and Add's operands are taken in either order, the constants as scalar initializers (or
 * folded Constant nodes) within float rounding of the exact values. A chain is replaced only when
 * each of its intermediate values is read by the next node of the chain alone, so no other node
 * loses a value; a near miss is left as it is, for the mapping to refuse naming its op.
 *
 * <p>Without this, the chains would not import: conv4j's merges have no constants, a chain reads x
 * twice (which a Sequential cannot), and Div and Erf have no conv4j layer.
 */
final class ActivationPatterns {
    /** The op type of a recognised SiLU chain: no ai.onnx operator, so a file's own node of it is refused. */
    static final String SILU = "SiLU";
    /** The op type of a recognised exact GELU chain. */
    static final String GELU = "GELU";
    /** The op type of a recognised tanh-form GELU chain. */
    static final String GELU_TANH = "GELU(tanh)";
    /** The op types this pass writes. */
    static final Set<String> OPS = Set.of(SILU, GELU, GELU_TANH);

    /** √2, GELU's divisor, as the float PyTorch writes. */
    static final float SQRT_2 = (float) Math.sqrt(2);
    /** The tanh form's cubic coefficient. */
    static final float GELU_TANH_KAPPA = 0.044715f;
    /** The tanh form's scale √(2/π). */
    static final float GELU_TANH_BETA = (float) Math.sqrt(2 / Math.PI);
    /** How far a file's constant may be from ours: a float rounding, written from a double or not. */
    private static final double CONSTANT_RTOL = 1e-6;

    private final OnnxModel model;
    private final ValueReaders readers;

    private ActivationPatterns(OnnxModel model) {
        this.model = model;
        this.readers = new ValueReaders(model);
    }

    /**
     * The model with each recognised chain replaced by one node: named after the chain's first
     * node with its op type as the last path segment ({@code /act/Sigmoid} → {@code /act/SiLU}),
     * reading x, writing the chain's output, in the place of the chain's last node (topological
     * order holds: x comes before the chain's first node).
     *
     * @throws UnsupportedOnnxModelException if the file's own nodes use one of {@link #OPS}
     */
    static OnnxModel fuse(OnnxModel model) throws UnsupportedOnnxModelException {
        model.refuseOwnNodes(OPS, "SiLU and GELU as the node chains PyTorch exports for them");
        ActivationPatterns patterns = new ActivationPatterns(model);
        Map<OnnxNode, OnnxNode> replacements = new IdentityHashMap<>();
        Set<OnnxNode> removed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (OnnxNode node : model.nodes()) {
            if (removed.contains(node)) {
                continue;
            }
            Optional<List<OnnxNode>> chain = patterns.silu(node).or(() -> patterns.gelu(node))
                    .or(() -> patterns.tanhGelu(node));
            if (chain.isPresent()) {
                List<OnnxNode> nodes = chain.get();
                removed.addAll(nodes);
                replacements.put(nodes.get(nodes.size() - 1), fused(node, nodes, opOf(node)));
            }
        }
        return model.withFused(replacements, removed);
    }

    /** The fused op type of a chain starting at {@code first}: the chains start with different ops. */
    private static String opOf(OnnxNode first) {
        return switch (first.opType()) {
            case "Sigmoid" -> SILU;
            case "Div" -> GELU;
            default -> GELU_TANH;
        };
    }

    private static OnnxNode fused(OnnxNode first, List<OnnxNode> chain, String opType) {
        String name = first.name();
        String fusedName = name.isEmpty() ? "" : name.substring(0, name.lastIndexOf('/') + 1) + opType.replace("(tanh)", "");
        OnnxNode last = chain.get(chain.size() - 1);
        return new OnnxNode(fusedName, opType, List.of(first.inputs().get(0)), List.of(last.outputs().get(0)), Map.of());
    }

    /** Sigmoid(x), Mul(x, ·). */
    private Optional<List<OnnxNode>> silu(OnnxNode sigmoid) {
        if (!sigmoid.opType().equals("Sigmoid") || sigmoid.inputs().size() != 1) {
            return Optional.empty();
        }
        String x = sigmoid.inputs().get(0);
        return next(sigmoid, "Mul").filter(mul -> readsBoth(mul, x, output(sigmoid))).map(mul -> List.of(sigmoid, mul));
    }

    /** Div(x, √2), Erf, Add(·, 1), Mul(x, ·), Mul(·, 0.5). */
    private Optional<List<OnnxNode>> gelu(OnnxNode div) {
        if (!div.opType().equals("Div") || div.inputs().size() != 2 || !isConstant(div.inputs().get(1), SQRT_2)) {
            return Optional.empty();
        }
        String x = div.inputs().get(0);
        List<OnnxNode> chain = new ArrayList<>(List.of(div));
        return extend(chain, "Erf", node -> node.inputs().size() == 1)
                .flatMap(c -> extend(c, "Add", node -> readsConstant(node, output(last(c)), 1f)))
                .flatMap(c -> extend(c, "Mul", node -> readsBoth(node, x, output(last(c)))))
                .flatMap(c -> extend(c, "Mul", node -> readsConstant(node, output(last(c)), 0.5f)));
    }

    /** Mul(x, x), Mul(x, ·), Mul(κ, ·), Add(x, ·), Mul(β, ·), Tanh, Add(1, ·), Mul(x, ·), Mul(0.5, ·). */
    private Optional<List<OnnxNode>> tanhGelu(OnnxNode square) {
        if (!square.opType().equals("Mul") || square.inputs().size() != 2
                || !square.inputs().get(0).equals(square.inputs().get(1)) || isConstant(square.inputs().get(0))) {
            return Optional.empty();
        }
        String x = square.inputs().get(0);
        List<OnnxNode> chain = new ArrayList<>(List.of(square));
        return extend(chain, "Mul", node -> readsBoth(node, x, output(last(chain))))
                .flatMap(c -> extend(c, "Mul", node -> readsConstant(node, output(last(c)), GELU_TANH_KAPPA)))
                .flatMap(c -> extend(c, "Add", node -> readsBoth(node, x, output(last(c)))))
                .flatMap(c -> extend(c, "Mul", node -> readsConstant(node, output(last(c)), GELU_TANH_BETA)))
                .flatMap(c -> extend(c, "Tanh", node -> node.inputs().size() == 1))
                .flatMap(c -> extend(c, "Add", node -> readsConstant(node, output(last(c)), 1f)))
                .flatMap(c -> extend(c, "Mul", node -> readsBoth(node, x, output(last(c)))))
                .flatMap(c -> extend(c, "Mul", node -> readsConstant(node, output(last(c)), 0.5f)));
    }

    /** The chain with the one reader of its last output appended, if that is an {@code opType} passing {@code test}. */
    private Optional<List<OnnxNode>> extend(List<OnnxNode> chain, String opType,
            Predicate<OnnxNode> test) {
        return next(last(chain), opType).filter(test).map(node -> {
            List<OnnxNode> longer = new ArrayList<>(chain);
            longer.add(node);
            return longer;
        });
    }

    /**
     * The one node reading {@code node}'s single output, if it is an {@code opType} with one
     * output; empty if the value is read by more nodes or none, or is a graph output.
     */
    private Optional<OnnxNode> next(OnnxNode node, String opType) {
        return readers.only(node).filter(next -> next.opType().equals(opType) && next.outputs().size() == 1);
    }

    /** A binary node reading {@code a} and {@code b}, in either order. */
    private static boolean readsBoth(OnnxNode node, String a, String b) {
        List<String> inputs = node.inputs();
        return inputs.size() == 2 && (inputs.equals(List.of(a, b)) || inputs.equals(List.of(b, a)));
    }

    /** A binary node reading {@code value} and a scalar constant {@code c}, in either order. */
    private boolean readsConstant(OnnxNode node, String value, float c) {
        List<String> inputs = node.inputs();
        return inputs.size() == 2 && (inputs.get(0).equals(value) && isConstant(inputs.get(1), c)
                || inputs.get(1).equals(value) && isConstant(inputs.get(0), c));
    }

    private boolean isConstant(String name) {
        return model.constant(name).isPresent();
    }

    /** Whether {@code name} is a FLOAT constant of one element within float rounding of {@code c}. */
    private boolean isConstant(String name, float c) {
        Optional<OnnxTensor> tensor = model.constant(name);
        if (tensor.isEmpty() || tensor.get().dataType() != OnnxDataType.FLOAT || tensor.get().size() != 1) {
            return false;
        }
        float value = tensor.get().floats()[0];
        return Math.abs(value - c) <= CONSTANT_RTOL * Math.abs(c);
    }

    private static String output(OnnxNode node) {
        return node.outputs().get(0);
    }

    private static OnnxNode last(List<OnnxNode> chain) {
        return chain.get(chain.size() - 1);
    }
}

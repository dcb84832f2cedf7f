package io.github.conv4j.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The nodes of a model that read each computed value (an input neither omitted nor constant:
 * {@link NodeChain#computedInputs}), in the model's order: the one map the import's passes
 * ({@link ActivationPatterns}, {@link ChannelShufflePattern}, {@link NodeChain}, {@link GraphImport})
 * ask whether a value has one reader, which they may then fuse with or take over.
 *
 * <p>A node is one reader of a value however many of its inputs name it: {@code Mul(x, x)} is x's
 * only reader, so a value's readers are the nodes that need it, and "read by one node" means no
 * other node loses it when that node takes it over. A pass that takes the reader over checks how
 * the reader uses the value (an Add of a product to itself is no bias: LinearMappers; a Reshape
 * of a value by itself is no shuffle: ChannelShufflePattern).
 */
final class ValueReaders {
    private final Map<String, List<OnnxNode>> readers = new HashMap<>();
    private final Set<String> graphOutputs;

    ValueReaders(OnnxModel model) {
        for (OnnxNode node : model.nodes()) {
            // distinct(): once per value the node reads; a list's contains instead, comparing records
            // field by field, made a value of many readers quadratic.
            for (String value : NodeChain.computedInputs(model, node).stream().distinct().toList()) {
                readers.computeIfAbsent(value, v -> new ArrayList<>()).add(node);
            }
        }
        graphOutputs = model.outputs().stream().map(OnnxValueInfo::name).collect(Collectors.toUnmodifiableSet());
    }

    /** The nodes reading {@code value}, each once; empty if none does. */
    List<OnnxNode> of(String value) {
        return readers.getOrDefault(value, List.of());
    }

    /** Whether a node or the graph's outputs read {@code value}. */
    boolean isRead(String value) {
        return readers.containsKey(value) || graphOutputs.contains(value);
    }

    /** The node reading {@code value}, if it is the only one and the value is no graph output. */
    Optional<OnnxNode> only(String value) {
        List<OnnxNode> nodes = of(value);
        return nodes.size() == 1 && !graphOutputs.contains(value) ? Optional.of(nodes.get(0)) : Optional.empty();
    }

    /**
     * The only reader of {@code node}'s single output: what a pattern fusing a chain of nodes asks
     * of each link. Empty if the node has more outputs than one, or its output is read by more
     * nodes or none, or is a graph output.
     */
    Optional<OnnxNode> only(OnnxNode node) {
        return node.outputs().size() == 1 ? only(node.outputs().get(0)) : Optional.empty();
    }
}

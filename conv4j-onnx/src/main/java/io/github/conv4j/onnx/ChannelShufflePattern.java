package io.github.conv4j.onnx;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises torchvision's {@code channel_shuffle} as PyTorch exports it: Reshape(x, grouped),
 * Transpose with perm [0, 2, 1, 3, …] (the group axis swapped with the one after it), Reshape(·,
 * joined), each of the two values between them read by the next node alone and the Reshapes
 * without {@code allowzero}. The three become one node of op type {@link #OP} reading x, grouped
 * and joined, with the Transpose's perm, in the place of the last, which
 * {@link ChannelMappers#channelShuffle} checks against the input's shape once it is known. Anything else is left as it is, for the Reshape and
 * Transpose mappers to refuse naming the node.
 *
 * <p>The shapes may still be computed when this runs (PyTorch writes them as Shape, Gather,
 * Concat of the input): the graph import folds them before it maps the fused node.
 */
final class ChannelShufflePattern {
    /** The op type of a recognised shuffle: no ai.onnx operator, so a file's own node of it is refused. */
    static final String OP = "ChannelShuffle";

    private ChannelShufflePattern() {
    }

    /** The model with each recognised shuffle replaced by one node named after its first Reshape's path. */
    static OnnxModel fuse(OnnxModel model) throws UnsupportedOnnxModelException {
        model.refuseOwnNodes(Set.of(OP), "a channel shuffle as the Reshape, Transpose, Reshape PyTorch exports for it");
        ValueReaders readers = new ValueReaders(model);
        Map<OnnxNode, OnnxNode> fusedAt = new IdentityHashMap<>();
        Set<OnnxNode> removed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (OnnxNode first : model.nodes()) {
            Optional<OnnxNode> transpose = first.opType().equals("Reshape") ? readers.only(first).filter(ChannelShufflePattern::swapsGroups)
                    : Optional.empty();
            Optional<OnnxNode> last = transpose.flatMap(readers::only)   // swapsGroups made it a Transpose
                    .filter(n -> n.opType().equals("Reshape") && n.inputs().size() == 2 && !allowsZero(n)
                            && reshapesOnly(n, transpose.get().outputs().get(0)));
            if (last.isPresent() && first.inputs().size() == 2 && !allowsZero(first)) {
                String name = first.name().isEmpty() ? "" : first.name().substring(0, first.name().lastIndexOf('/') + 1) + OP;
                // The perm goes along: only once the grouped shape is folded can its length be checked against it.
                fusedAt.put(last.get(), new OnnxNode(name, OP, List.of(first.inputs().get(0), first.inputs().get(1),
                        last.get().inputs().get(1)), List.of(last.get().outputs().get(0)),
                        Map.of("perm", transpose.get().attribute("perm").orElseThrow())));
                removed.addAll(List.of(first, transpose.get()));
            }
        }
        return model.withFused(fusedAt, removed);
    }

    /**
     * Whether {@code reshape} reads {@code value} as its data and not as its shape too: the value
     * is removed with the chain, so the fused node must not read it (Reshape(t, t) has t's one reader).
     */
    private static boolean reshapesOnly(OnnxNode reshape, String value) {
        return reshape.inputs().get(0).equals(value) && !reshape.inputs().get(1).equals(value);
    }

    /** A Transpose with perm [0, 2, 1, 3, …]: the groups and the channels within a group swapped. */
    private static boolean swapsGroups(OnnxNode node) {
        if (!node.opType().equals("Transpose") || node.outputs().size() != 1 || node.attribute("perm").isEmpty()
                || !(node.attribute("perm").get() instanceof OnnxAttribute.IntsAttribute perm)) {
            return false;
        }
        List<Long> values = perm.values();
        for (int i = 0; i < values.size(); i++) {
            long expected = i == 1 ? 2 : i == 2 ? 1 : i;
            if (values.get(i) != expected) {
                return false;
            }
        }
        return values.size() >= 3;
    }

    private static boolean allowsZero(OnnxNode reshape) {
        return reshape.attribute("allowzero").filter(a -> a instanceof OnnxAttribute.IntAttribute i && i.value() != 0)
                .isPresent();
    }
}

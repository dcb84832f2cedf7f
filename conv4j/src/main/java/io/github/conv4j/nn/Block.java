package io.github.conv4j.nn;

/**
 * A reusable piece of a {@link Graph}: it adds its nodes to a builder under a name prefix and
 * returns its output node, so that blocks nest and their parameters get torchvision's names
 * ({@code layer1.0.conv1.weight}). Write your own from public pieces:
 * <pre>{@code
 * Block convBnRelu = (b, prefix, x) -> b.add(GraphBuilder.join(prefix, "relu"), new ReLU(),
 *         b.add(GraphBuilder.join(prefix, "bn"), new BatchNorm2d(16),
 *               b.add(GraphBuilder.join(prefix, "conv"), new Conv2d(3, 16, 3).padding(1).bias(false), x)));
 * }</pre>
 */
@FunctionalInterface
public interface Block {
    /**
     * Adds this block's nodes to {@code b}, reading {@code input}, each named
     * {@code prefix.<part>} (just {@code <part>} for an empty prefix); returns the output node.
     */
    Node addTo(GraphBuilder b, String prefix, Node input);
}

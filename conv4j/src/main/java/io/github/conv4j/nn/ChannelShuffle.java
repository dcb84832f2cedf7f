package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;

/**
 * ShuffleNet's channel shuffle (torchvision's {@code channel_shuffle}): the C channels of
 * N×C×H×W (or any N×C×…) seen as {@code groups} groups of C/groups, transposed, so that channel
 * g·(C/groups) + j moves to j·groups + g and the next grouped convolution mixes the groups. A
 * permutation of whole planes: one native copy over the batch forward, the inverse permutation
 * backward. No parameters.
 */
public final class ChannelShuffle implements Layer {
    private final int groups;

    /** A shuffle of {@code groups} groups (torchvision's ShuffleNetV2 uses 2). */
    public ChannelShuffle(int groups) {
        this.groups = Checks.positive("ChannelShuffle", "groups", groups);
    }

    public int groups() { return groups; }

    @Override public String spec() { return "ChannelShuffle groups=" + groups; }
    @Override public String describe() { return "ChannelShuffle(" + groups + " groups)"; }

    @Override public Shape outputShape(Shape input) {
        if (input.rank() < 2) throw new IllegalArgumentException(describe() + ": expected a batch N×C×…, got " + input);
        if (input.dim(1) % groups != 0)
            throw new IllegalArgumentException(describe() + ": " + input.dim(1) + " channels of " + input
                    + " do not split into " + groups + " equal groups");
        return input;
    }

    @Override public Op create(LayerContext ctx) {
        String name = ctx.name() + " " + describe();
        Shape sample = ctx.sampleInput();
        outputShape(sample.prependBatch(1));
        long perGroup = sample.dim(0) / groups;
        long plane = sample.size() / sample.dim(0);
        // The inverse of a groups × perGroup transpose is the perGroup × groups one.
        return ChannelCopy.runtime(name, sample, sample,
                (n, x, y) -> Conv4jNative.channelShuffle(n, groups, perGroup, plane, x, y),
                (n, dy, dx) -> Conv4jNative.channelShuffle(n, perGroup, groups, plane, dy, dx));
    }
}

package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;

/**
 * The channels [start, end) of N×C×H×W (or any N×C×…), as PyTorch's {@code x[:, start:end]}
 * and each half of ShuffleNetV2's {@code x.chunk(2, dim=1)}. Backward writes the output's
 * gradient into those channels and zeros into the others; a graph that slices one value twice
 * sums the two gradients, as it does for any value read by several nodes. No parameters.
 */
public final class ChannelSlice implements Layer {
    private final int start, end;

    /** The channels from {@code start} (inclusive) to {@code end} (exclusive). */
    public ChannelSlice(int start, int end) {
        this.start = Checks.nonNegative("ChannelSlice", "start", start);
        if (end <= start)
            throw new IllegalArgumentException("ChannelSlice: end " + end + " must be greater than start " + start);
        this.end = end;
    }

    public int start() { return start; }
    public int end() { return end; }

    @Override public String spec() { return "ChannelSlice start=" + start + " end=" + end; }
    @Override public String describe() { return "ChannelSlice(" + start + ":" + end + ")"; }

    @Override public Shape outputShape(Shape input) {
        if (input.rank() < 2) throw new IllegalArgumentException(describe() + ": expected a batch N×C×…, got " + input);
        if (end > input.dim(1))
            throw new IllegalArgumentException(describe() + ": input " + input + " has only " + input.dim(1) + " channels");
        int[] dims = input.dims();
        dims[1] = end - start;
        return Shape.of(dims);
    }

    @Override public Op create(LayerContext ctx) {
        String name = ctx.name() + " " + describe();
        Shape sample = ctx.sampleInput();
        Shape sampleOut = outputShape(sample.prependBatch(1)).dropBatch();
        long channels = sample.dim(0);
        long plane = sample.size() / channels;
        return ChannelCopy.runtime(name, sample, sampleOut,
                (n, x, y) -> Conv4jNative.channelSliceForward(n, channels, start, end - start, plane, x, y),
                (n, dy, dx) -> Conv4jNative.channelSliceBackward(n, channels, start, end - start, plane, dy, dx));
    }
}

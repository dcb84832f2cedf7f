package io.github.conv4j.nn;

import static io.github.conv4j.nn.GraphBuilder.join;

/**
 * ResNet's bottleneck block (torchvision's {@code Bottleneck}, stride on the 3×3 convolution):
 * 1×1 from {@code in} to {@code planes}, 3×3 with the stride, 1×1 to {@link #EXPANSION}·planes,
 * a batch normalisation after each and a ReLU after the first two; then the shortcut (see
 * {@link BasicBlock}) is added and a ReLU applied.
 */
public final class Bottleneck implements Block {
    /** The output has this many times {@code planes} channels. */
    public static final int EXPANSION = 4;

    private final int in, planes, stride;

    /** A block from {@code in} channels to {@code 4·planes}, its 3×3 convolution on {@code planes} channels with {@code stride}. */
    public Bottleneck(int in, int planes, int stride) {
        this.in = Checks.positive("Bottleneck", "in channels", in);
        this.planes = Checks.positive("Bottleneck", "planes", planes);
        this.stride = Checks.positive("Bottleneck", "stride", stride);
        if ((long) planes * EXPANSION > Integer.MAX_VALUE) throw new IllegalArgumentException("Bottleneck: planes " + planes + " too large");
    }

    /** Output channels: {@code 4·planes}. */
    public int outChannels() { return planes * EXPANSION; }

    @Override public Node addTo(GraphBuilder b, String prefix, Node x) {
        int out = outChannels();
        Node y = b.add(join(prefix, "conv1"), new Conv2d(in, planes, 1).bias(false), x);
        y = b.add(join(prefix, "relu1"), new ReLU(), b.add(join(prefix, "bn1"), new BatchNorm2d(planes), y));
        y = b.add(join(prefix, "conv2"), new Conv2d(planes, planes, 3).stride(stride).padding(1).bias(false), y);
        y = b.add(join(prefix, "relu2"), new ReLU(), b.add(join(prefix, "bn2"), new BatchNorm2d(planes), y));
        y = b.add(join(prefix, "conv3"), new Conv2d(planes, out, 1).bias(false), y);
        y = b.add(join(prefix, "bn3"), new BatchNorm2d(out), y);
        Node identity = Downsample.ifNeeded(b, prefix, x, in, out, stride);
        return b.add(join(prefix, "relu"), new ReLU(), b.add(join(prefix, "add"), new Add(), y, identity));
    }
}

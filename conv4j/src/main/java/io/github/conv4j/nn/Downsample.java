package io.github.conv4j.nn;

import static io.github.conv4j.nn.GraphBuilder.join;

/** The shortcut of ResNet's blocks: the input itself, or a 1×1 convolution with the stride and a batch normalisation. */
final class Downsample {
    private Downsample() {}

    /**
     * {@code x} when the shapes already agree, else nodes {@code prefix.downsample.0} (1×1
     * convolution from {@code in} to {@code out} channels with {@code stride}, no bias) and
     * {@code prefix.downsample.1} (BatchNorm2d), as torchvision names them.
     */
    static Node ifNeeded(GraphBuilder b, String prefix, Node x, int in, int out, int stride) {
        if (stride == 1 && in == out) return x;
        Node d = b.add(join(prefix, "downsample.0"), new Conv2d(in, out, 1).stride(stride).bias(false), x);
        return b.add(join(prefix, "downsample.1"), new BatchNorm2d(out), d);
    }
}

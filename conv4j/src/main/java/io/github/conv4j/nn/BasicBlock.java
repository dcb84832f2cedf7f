package io.github.conv4j.nn;

import static io.github.conv4j.nn.GraphBuilder.join;

/**
 * ResNet's basic block (torchvision's {@code BasicBlock}):
 * {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + identity)}, both convolutions 3×3 with padding 1
 * and no bias, the first with the block's stride; the identity is {@code x}, or a 1×1 convolution
 * (with the stride) and a batch normalisation — {@code downsample.0} and {@code downsample.1} —
 * when the stride is not 1 or the width changes.
 */
public final class BasicBlock implements Block {
    private final int in, out, stride;

    /** A block from {@code in} to {@code out} channels, subsampling by {@code stride}. */
    public BasicBlock(int in, int out, int stride) {
        this.in = Checks.positive("BasicBlock", "in channels", in);
        this.out = Checks.positive("BasicBlock", "out channels", out);
        this.stride = Checks.positive("BasicBlock", "stride", stride);
    }

    @Override public Node addTo(GraphBuilder b, String prefix, Node x) {
        Node y = b.add(join(prefix, "conv1"), new Conv2d(in, out, 3).stride(stride).padding(1).bias(false), x);
        y = b.add(join(prefix, "bn1"), new BatchNorm2d(out), y);
        y = b.add(join(prefix, "relu1"), new ReLU(), y);
        y = b.add(join(prefix, "conv2"), new Conv2d(out, out, 3).padding(1).bias(false), y);
        y = b.add(join(prefix, "bn2"), new BatchNorm2d(out), y);
        Node identity = Downsample.ifNeeded(b, prefix, x, in, out, stride);
        return b.add(join(prefix, "relu"), new ReLU(), b.add(join(prefix, "add"), new Add(), y, identity));
    }
}

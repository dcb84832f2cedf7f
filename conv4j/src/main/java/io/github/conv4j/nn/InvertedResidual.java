package io.github.conv4j.nn;

import static io.github.conv4j.nn.GraphBuilder.join;

/**
 * MobileNetV2's inverted residual block (torchvision's {@code InvertedResidual}), with its
 * parameter names: {@code conv.0} expands 1×1 to {@code in·expand} channels (left out when
 * {@code expand} is 1), then a depthwise 3×3 with the stride, each as convolution ({@code .0}),
 * batch normalisation ({@code .1}) and activation ({@code .2}); then a linear 1×1 projection to
 * {@code out} and a batch normalisation. The input is added back when the stride is 1 and the
 * widths agree.
 *
 * <p>The activation is MobileNetV2's {@link ReLU6} unless {@link #activation} gives another.
 */
public final class InvertedResidual implements Block {
    private final int in, out, stride, expand;
    private final Layer activation;

    /** A block from {@code in} to {@code out} channels with {@code stride} (1 or 2) and expansion ratio {@code expand}. */
    public InvertedResidual(int in, int out, int stride, int expand) { this(in, out, stride, expand, new ReLU6()); }

    private InvertedResidual(int in, int out, int stride, int expand, Layer activation) {
        this.in = Checks.positive("InvertedResidual", "in channels", in);
        this.out = Checks.positive("InvertedResidual", "out channels", out);
        this.stride = Checks.positive("InvertedResidual", "stride", stride);
        this.expand = Checks.positive("InvertedResidual", "expand ratio", expand);
        if ((long) in * expand > Integer.MAX_VALUE) throw new IllegalArgumentException("InvertedResidual: " + in + " × " + expand + " channels is too many");
        this.activation = java.util.Objects.requireNonNull(activation, "activation");
    }

    /** The same block with another activation after the expansion and the depthwise convolution (ReLU6 in MobileNetV2). */
    public InvertedResidual activation(Layer a) { return new InvertedResidual(in, out, stride, expand, a); }

    /** True when the input is added to the output. */
    public boolean isResidual() { return stride == 1 && in == out; }

    @Override public Node addTo(GraphBuilder b, String prefix, Node x) {
        int hidden = in * expand, part = 0;
        String conv = join(prefix, "conv");
        Node y = x;
        if (expand != 1) y = convBnAct(b, join(conv, Integer.toString(part++)), new Conv2d(in, hidden, 1).bias(false), hidden, y);
        y = convBnAct(b, join(conv, Integer.toString(part++)),
                new Conv2d(hidden, hidden, 3).stride(stride).padding(1).groups(hidden).bias(false), hidden, y);
        y = b.add(join(conv, Integer.toString(part++)), new Conv2d(hidden, out, 1).bias(false), y);
        y = b.add(join(conv, Integer.toString(part)), new BatchNorm2d(out), y);
        return isResidual() ? b.add(join(prefix, "add"), new Add(), x, y) : y;
    }

    private Node convBnAct(GraphBuilder b, String name, Conv2d c, int channels, Node x) {
        Node y = b.add(join(name, "0"), c, x);
        y = b.add(join(name, "1"), new BatchNorm2d(channels), y);
        return b.add(join(name, "2"), activation, y);
    }
}

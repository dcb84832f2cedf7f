package io.github.conv4j.nn;

import static io.github.conv4j.nn.GraphBuilder.join;

/**
 * Squeeze-and-excitation (torchvision's {@code SqueezeExcitation}): global average pooling, a 1×1
 * convolution {@code fc1} down to {@code squeeze} channels, ReLU, a 1×1 convolution {@code fc2}
 * back, then the gate activation, and the input multiplied channel by channel by the result
 * (a {@link Mul} of N×C×H×W by N×C×1×1).
 */
public final class SqueezeExcitation implements Block {
    private final int channels, squeeze;
    private final Layer gate;

    /**
     * A block over {@code channels} channels squeezed to {@code squeeze}, its gate activation
     * {@code gate} (a sigmoid in the paper; it maps the excitation to the per-channel weights).
     */
    public SqueezeExcitation(int channels, int squeeze, Layer gate) {
        this.channels = Checks.positive("SqueezeExcitation", "channels", channels);
        this.squeeze = Checks.positive("SqueezeExcitation", "squeeze channels", squeeze);
        this.gate = java.util.Objects.requireNonNull(gate, "gate");
    }

    @Override public Node addTo(GraphBuilder b, String prefix, Node x) {
        Node s = b.add(join(prefix, "avgpool"), new GlobalAvgPool2d(), x);
        s = b.add(join(prefix, "fc1"), new Conv2d(channels, squeeze, 1), s);
        s = b.add(join(prefix, "activation"), new ReLU(), s);
        s = b.add(join(prefix, "fc2"), new Conv2d(squeeze, channels, 1), s);
        s = b.add(join(prefix, "scale_activation"), gate, s);
        return b.add(join(prefix, "scale"), new Mul(), x, s);
    }
}

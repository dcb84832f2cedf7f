package io.github.conv4j.zoo;

import static io.github.conv4j.nn.GraphBuilder.join;

import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.Block;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Dropout;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.InvertedResidual;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.ModelSummary;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.ReLU6;
import io.github.conv4j.tensor.Shape;

/**
 * torchvision's MobileNetV2, with its parameter names: {@code features.0} a 3×3 stride-2
 * convolution, batch normalisation and ReLU6 to 32·width channels; {@code features.1} to
 * {@code features.17} the {@link InvertedResidual} blocks of the paper's table 2; {@code features.18}
 * a 1×1 convolution to 1280·max(1, width) channels; global average pooling; {@code classifier.0}
 * dropout 0.2 and {@code classifier.1} the fully connected layer. Widths are rounded as torchvision
 * rounds them (to multiples of 8, never more than 10% down). Width 1.0 with 1000 classes has
 * 3,504,872 parameters.
 * <pre>{@code try (Graph net = new MobileNetV2(3, 1000, 1.0).build(Shape.of(3, 224, 224), 42)) { ... }}</pre>
 */
public final class MobileNetV2 implements Block {
    /** The per-sample input shape the architecture was designed for. */
    public static final Shape INPUT = Shape.of(3, 224, 224);

    /** Per stage: expansion t, output channels c, blocks n, stride s of the first block (the paper's table 2). */
    private static final int[][] STAGES = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
    private static final int ROUND = 8;

    private final int channels, classes;
    private final double width;

    /** MobileNetV2 for images of {@code channels} channels, {@code classes} classes and width multiplier {@code width} (positive; 1.0 is the paper's). */
    public MobileNetV2(int channels, int classes, double width) {
        if (channels <= 0) throw new IllegalArgumentException("MobileNetV2: input channels must be positive, got " + channels);
        if (classes <= 0) throw new IllegalArgumentException("MobileNetV2: classes must be positive, got " + classes);
        if (!(width > 0) || Double.isInfinite(width)) throw new IllegalArgumentException("MobileNetV2: width must be positive and finite, got " + width);
        this.channels = channels;
        this.classes = classes;
        this.width = width;
    }

    /** torchvision's {@code _make_divisible}: the nearest multiple of 8, at least 8, not less than 90% of {@code v}. */
    static int divisible(double v) {
        int rounded = Math.max(ROUND, (int) (v + ROUND / 2.0) / ROUND * ROUND);
        return rounded < 0.9 * v ? rounded + ROUND : rounded;
    }

    @Override public Node addTo(GraphBuilder b, String prefix, Node x) {
        int in = divisible(32 * width), last = divisible(1280 * Math.max(1.0, width));
        Node s = convBnRelu6(b, join(prefix, "features.0"), new Conv2d(channels, in, 3).stride(2).padding(1).bias(false), in, x);
        int index = 1;
        for (int[] stage : STAGES) {
            int out = divisible(stage[1] * width);
            for (int i = 0; i < stage[2]; i++) {
                s = new InvertedResidual(in, out, i == 0 ? stage[3] : 1, stage[0]).addTo(b, join(prefix, "features." + index++), s);
                in = out;
            }
        }
        s = convBnRelu6(b, join(prefix, "features." + index), new Conv2d(in, last, 1).bias(false), last, s);
        s = b.add(join(prefix, "flatten"), new Flatten(), b.add(join(prefix, "avgpool"), new GlobalAvgPool2d(), s));
        s = b.add(join(prefix, "classifier.0"), new Dropout(0.2), s);
        return b.add(join(prefix, "classifier.1"), new Linear(last, classes), s);
    }

    private static Node convBnRelu6(GraphBuilder b, String name, Conv2d conv, int out, Node x) {
        Node y = b.add(join(name, "0"), conv, x);
        y = b.add(join(name, "1"), new BatchNorm2d(out), y);
        return b.add(join(name, "2"), new ReLU6(), y);
    }

    /** The network over per-sample {@code input} (the channels given at construction), initialised from {@code seed}. */
    public Graph build(Shape input, long seed) { return GraphArchitecture.build(this, input, seed); }

    /** Layer by layer shapes, parameters, FLOPs, activations and receptive fields over {@code input}, without allocating the weights. */
    public ModelSummary summary(Shape input) { return GraphArchitecture.summary(this, input); }

    @Override public String toString() { return "MobileNetV2(width " + width + ", " + channels + " channels, " + classes + " classes)"; }
}

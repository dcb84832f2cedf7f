package io.github.conv4j.zoo;

import static io.github.conv4j.nn.GraphBuilder.join;

import io.github.conv4j.nn.BasicBlock;
import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.Block;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.ModelSummary;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.tensor.Shape;

/**
 * The CIFAR ResNets of He et al. (2016, section 4.2), depth 6n + 2: a 3×3 convolution to 16
 * channels, three stages of n {@link BasicBlock}s at 16, 32 and 64 channels (the second and third
 * starting with stride 2), global average pooling and a fully connected layer. Names follow
 * torchvision: {@code conv1}, {@code bn1}, {@code layer1.0.conv1}, …, {@code fc}.
 *
 * <p>The two shortcuts that change shape are option B of the paper, a 1×1 convolution with
 * stride 2 and a batch normalisation ({@code layerK.0.downsample.0/1}, as in torchvision), not
 * option A's parameter-free subsampling and zero padding: ResNet-20 for 10 classes has 272,474
 * parameters, option A's 269,722 (the paper's "0.27 M") plus the two projections' 576 + 2,176.
 * <pre>{@code try (Graph net = CifarResNet.resnet20(3, 10).build(Shape.of(3, 32, 32), 42)) { ... }}</pre>
 */
public final class CifarResNet implements Block {
    /** The per-sample input shape the architecture was designed for: CIFAR's 3×32×32. */
    public static final Shape INPUT = Shape.of(3, 32, 32);

    private static final int[] PLANES = {16, 32, 64};
    private final int blocksPerStage, channels, classes;

    private CifarResNet(int blocksPerStage, int channels, int classes) {
        if (blocksPerStage <= 0) throw new IllegalArgumentException("CifarResNet: blocks per stage must be positive, got " + blocksPerStage);
        if (channels <= 0) throw new IllegalArgumentException("CifarResNet: input channels must be positive, got " + channels);
        if (classes <= 0) throw new IllegalArgumentException("CifarResNet: classes must be positive, got " + classes);
        this.blocksPerStage = blocksPerStage;
        this.channels = channels;
        this.classes = classes;
    }

    /** ResNet-20 (three basic blocks per stage) for images of {@code channels} channels and {@code classes} classes. */
    public static CifarResNet resnet20(int channels, int classes) { return new CifarResNet(3, channels, classes); }

    /** The ResNet of {@code depth} = 6n + 2 layers (20, 32, 44, 56, 110, …) for {@code channels} and {@code classes}. */
    public static CifarResNet ofDepth(int depth, int channels, int classes) {
        if (depth < 8 || (depth - 2) % 6 != 0) throw new IllegalArgumentException("CifarResNet: depth must be 6n + 2 with n ≥ 1, got " + depth);
        return new CifarResNet((depth - 2) / 6, channels, classes);
    }

    /** Layers with weights: 6n + 2. */
    public int depth() { return 6 * blocksPerStage + 2; }

    @Override public Node addTo(GraphBuilder b, String prefix, Node x) {
        Node s = b.add(join(prefix, "conv1"), new Conv2d(channels, PLANES[0], 3).padding(1).bias(false), x);
        s = b.add(join(prefix, "relu"), new ReLU(), b.add(join(prefix, "bn1"), new BatchNorm2d(PLANES[0]), s));
        int in = PLANES[0];
        for (int stage = 0; stage < PLANES.length; stage++)
            for (int i = 0; i < blocksPerStage; i++) {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                s = new BasicBlock(in, PLANES[stage], stride).addTo(b, join(prefix, "layer" + (stage + 1) + "." + i), s);
                in = PLANES[stage];
            }
        s = b.add(join(prefix, "flatten"), new Flatten(), b.add(join(prefix, "avgpool"), new GlobalAvgPool2d(), s));
        return b.add(join(prefix, "fc"), new Linear(in, classes), s);
    }

    /** The network over per-sample {@code input} (the channels given at construction; any size the strides leave ≥ 1×1), initialised from {@code seed}. */
    public Graph build(Shape input, long seed) { return GraphArchitecture.build(this, input, seed); }

    /** Layer by layer shapes, parameters, FLOPs, activations and receptive fields over {@code input}, without allocating the weights. */
    public ModelSummary summary(Shape input) { return GraphArchitecture.summary(this, input); }

    @Override public String toString() { return "ResNet-" + depth() + "(CIFAR, " + channels + " channels, " + classes + " classes)"; }
}

package io.github.conv4j.zoo;

import io.github.conv4j.nn.BasicBlock;
import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.Block;
import io.github.conv4j.nn.Bottleneck;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.ModelSummary;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.tensor.Shape;
import java.util.Arrays;

/**
 * torchvision's ResNets for 3×224×224 images, with its parameter names ({@code conv1},
 * {@code bn1}, {@code layer1.0.conv1}, …, {@code fc}): a 7×7 stride-2 stem and a 3×3 max pooling,
 * four stages of {@link BasicBlock}s or {@link Bottleneck}s (64, 128, 256, 512 planes, the last
 * three starting with stride 2), global average pooling and a fully connected layer. Written with
 * the public graph API only, as a user's own architecture would be.
 * <pre>{@code try (Graph net = ResNet.resnet18(1000).build(42)) { ... }}</pre>
 */
public final class ResNet implements Block {
    /** The per-sample input shape the architecture was designed for. */
    public static final Shape INPUT = Shape.of(3, 224, 224);

    private static final int[] PLANES = {64, 128, 256, 512};
    private final int[] blocks;
    private final boolean bottleneck;
    private final int classes;

    private ResNet(int[] blocks, boolean bottleneck, int classes) {
        if (classes <= 0) throw new IllegalArgumentException("ResNet: classes must be positive, got " + classes);
        this.blocks = blocks;
        this.bottleneck = bottleneck;
        this.classes = classes;
    }

    /** ResNet-18: two basic blocks per stage (11,689,512 parameters with 1000 classes). */
    public static ResNet resnet18(int classes) { return new ResNet(new int[] {2, 2, 2, 2}, false, classes); }

    /** ResNet-34: 3, 4, 6, 3 basic blocks. */
    public static ResNet resnet34(int classes) { return new ResNet(new int[] {3, 4, 6, 3}, false, classes); }

    /** ResNet-50: 3, 4, 6, 3 bottlenecks (25,557,032 parameters with 1000 classes). */
    public static ResNet resnet50(int classes) { return new ResNet(new int[] {3, 4, 6, 3}, true, classes); }

    @Override public Node addTo(GraphBuilder b, String prefix, Node x) {
        Node s = b.add(GraphBuilder.join(prefix, "conv1"), new Conv2d(3, 64, 7).stride(2).padding(3).bias(false), x);
        s = b.add(GraphBuilder.join(prefix, "relu"), new ReLU(), b.add(GraphBuilder.join(prefix, "bn1"), new BatchNorm2d(64), s));
        s = b.add(GraphBuilder.join(prefix, "maxpool"), new MaxPool2d(3).stride(2).padding(1), s);
        int in = 64;
        for (int stage = 0; stage < blocks.length; stage++)
            for (int i = 0; i < blocks[stage]; i++) {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                String name = GraphBuilder.join(prefix, "layer" + (stage + 1) + "." + i);
                if (bottleneck) {
                    Bottleneck block = new Bottleneck(in, PLANES[stage], stride);
                    s = block.addTo(b, name, s);
                    in = block.outChannels();
                } else {
                    s = new BasicBlock(in, PLANES[stage], stride).addTo(b, name, s);
                    in = PLANES[stage];
                }
            }
        s = b.add(GraphBuilder.join(prefix, "flatten"), new Flatten(), b.add(GraphBuilder.join(prefix, "avgpool"), new GlobalAvgPool2d(), s));
        return b.add(GraphBuilder.join(prefix, "fc"), new Linear(in, classes), s);
    }

    /** The network over {@link #INPUT}, initialised from {@code seed}. */
    public Graph build(long seed) {
        GraphBuilder b = new GraphBuilder(INPUT);
        return b.build(addTo(b, "", b.input()), seed);
    }

    /** Layer by layer shapes, parameters, FLOPs and receptive fields, without allocating the weights. */
    public ModelSummary summary() {
        GraphBuilder b = new GraphBuilder(INPUT);
        addTo(b, "", b.input());
        return ModelSummary.ofGraph(b.nodes());
    }

    @Override public String toString() { return "ResNet(" + Arrays.toString(blocks) + (bottleneck ? ", bottleneck" : "") + ", " + classes + " classes)"; }
}

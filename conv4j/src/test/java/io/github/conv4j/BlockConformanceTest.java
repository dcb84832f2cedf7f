package io.github.conv4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.BasicBlock;
import io.github.conv4j.nn.Bottleneck;
import io.github.conv4j.nn.Concat;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.InvertedResidual;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.ConformanceFolder;
import io.github.conv4j.testing.ConformanceCase;
import io.github.conv4j.testing.Tolerance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PyTorch's blocks (torchvision's BasicBlock and Bottleneck, two concatenated branches, a small
 * CIFAR ResNet) built with the graph API, their parameters loaded by their {@code state_dict}
 * names: output, input gradient, every parameter's gradient and the running statistics after
 * the step must match (cases of {@code conformance2}, tolerances of its README).
 */
class BlockConformanceTest {    /** Gradients chain many layers: the README's block tolerance. */
    static final Tolerance BLOCK = new Tolerance(2e-3, 2e-4);

    /** Each case the repository carries is the shared reference's file, byte for byte. */
    @Test void repositoryCopyMatchesTheSharedCases() throws IOException {
        Path shared = ConformanceFolder.MODERN.configured();
        Assumptions.assumeTrue(ConformanceFolder.MODERN.sharedPresent(), "no shared conformance2 folder beside this checkout");
        try (Stream<Path> copies = Files.list(ConformanceFolder.MODERN.copy())) {
            for (Path copy : copies.toList())
                assertArrayEquals(Files.readAllBytes(shared.resolve(copy.getFileName())), Files.readAllBytes(copy), copy.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet_basic_block_downsample_train", "resnet_basic_block_identity_train", "resnet_basic_block_identity_eval",
            "resnet_bottleneck_downsample_train", "concat_block_two_branches", "small_resnet_w4_c10_train",
            "mobilenetv2_block_residual_train", "mobilenetv2_block_stride2_train"})
    void blockMatchesPyTorch(String name) throws IOException {
        Path file = ConformanceFolder.MODERN.cases().resolve(name + ".case");
        Assumptions.assumeTrue(Files.exists(file), "no case " + file);
        ConformanceCase c = ConformanceCase.parse(file);
        int[] in = c.ints("input");
        Shape batch = Shape.of(in);
        boolean training = c.i("training") == 1;
        try (Graph g = build(c, batch.dropBatch()); Tensor x = Tensor.of(c.t("x"), in)) {
            load(c, g);
            g.train(training);
            g.zeroGrad();
            Tensor y = g.forward(x);
            Tolerance.FORWARD.check(c.file + " y", c.t("y"), y.toArray());
            Tensor dx;
            if (c.has("dy")) {
                try (Tensor dy = Tensor.of(c.t("dy"), c.shape("dy"))) {
                    dx = g.backward(dy, true);
                }
            } else {
                dx = backwardThroughLoss(c, g, y);
            }
            BLOCK.check(c.file + " dx", c.t("dx"), dx.toArray());
            for (var e : g.namedGradients().entrySet())
                BLOCK.check(c.file + " grad." + e.getKey(), c.t("grad." + e.getKey()), e.getValue().toArray());
            // in evaluation mode the running statistics must stay as loaded
            for (var e : g.namedState().entrySet())
                Tolerance.FORWARD.check(c.file + " after." + e.getKey(), c.t((training ? "after." : "") + e.getKey()), e.getValue().toArray());
        }
    }

    /** The mean cross-entropy of {@code labels}: the case's {@code loss}, then its gradient back through the model. */
    private static Tensor backwardThroughLoss(ConformanceCase c, Graph g, Tensor logits) {
        float[] values = c.t("labels");
        int[] labels = new int[values.length];
        for (int i = 0; i < labels.length; i++) labels[i] = (int) values[i];
        try (SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(); IntTensor l = new IntTensor(labels.length)) {
            l.copyFrom(labels, 0, labels.length);
            Tolerance.FORWARD.check(c.file + " loss", c.t("loss"), new float[] {loss.forward(logits, l)});
            return g.backward(loss.gradient(), true);
        }
    }

    /** Every parameter and state tensor of the model from the case, by name; the case has no others. */
    private static void load(ConformanceCase c, Graph g) {
        Set<String> expected = new TreeSet<>();
        for (Map<String, Tensor> named : java.util.List.of(g.namedParameters(), g.namedState()))
            for (var e : named.entrySet()) {
                assertTrue(c.has(e.getKey()), c.file + " lacks " + e.getKey());
                assertArrayEquals(e.getValue().shape().dims(), c.shape(e.getKey()), e.getKey());
                e.getValue().copyFrom(c.t(e.getKey()));
                expected.add(e.getKey());
            }
        Set<String> inCase = new TreeSet<>(c.names());
        inCase.removeIf(n -> n.startsWith("grad.") || n.startsWith("after.") || Set.of("x", "y", "dy", "dx", "labels", "loss").contains(n));
        assertEquals(inCase, expected, c.file + ": the model's tensors are the case's");
    }

    private static Graph build(ConformanceCase c, Shape sample) {
        GraphBuilder b = new GraphBuilder(sample);
        Node x = b.input();
        Node y = switch (c.op()) {
            case "resnet_basic_block" -> new BasicBlock(c.i("inplanes"), c.i("planes"), c.i("stride")).addTo(b, "", x);
            case "resnet_bottleneck" -> new Bottleneck(c.i("inplanes"), c.i("planes"), c.i("stride")).addTo(b, "", x);
            case "mobilenetv2_block" -> new InvertedResidual(c.i("inp"), c.i("oup"), c.i("stride"), c.i("expand_ratio")).addTo(b, "", x);
            case "concat_block" -> {
                Node b1 = b.add("relu1", new ReLU(), b.add("branch1", new Conv2d(c.i("inp"), c.i("branch1"), 1), x));
                Node b2 = b.add("relu2", new ReLU(), b.add("branch2", new Conv2d(c.i("inp"), c.i("branch2"), 3).padding(1), x));
                yield b.add("cat", new Concat(), b1, b2);
            }
            case "small_resnet" -> {
                int w = c.i("width");
                Node s = b.add("conv1", new Conv2d(sample.dim(0), w, 3).padding(1).bias(false), x);
                s = b.add("relu", new ReLU(), b.add("bn1", new BatchNorm2d(w), s));
                s = new BasicBlock(w, w, 1).addTo(b, "layer1", s);
                s = new BasicBlock(w, 2 * w, 2).addTo(b, "layer2", s);
                s = new BasicBlock(2 * w, 4 * w, 2).addTo(b, "layer3", s);
                s = b.add("flatten", new Flatten(), b.add("avgpool", new GlobalAvgPool2d(), s));
                yield b.add("fc", new Linear(4 * w, c.i("classes")), s);
            }
            default -> throw new IllegalArgumentException(c.file + ": no graph for op " + c.op());
        };
        return b.build(y, 1);
    }
}

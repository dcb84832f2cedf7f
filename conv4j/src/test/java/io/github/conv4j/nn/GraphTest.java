package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.ExpectedFailure;
import io.github.conv4j.testing.GradientChecker;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Building graphs: errors name the node and the shapes; a chain as a graph equals the Sequential; receptive fields; replicas; no leaks. */
class GraphTest {
    /** Graphs are refused with an IllegalArgumentException. */
    private static void fails(Executable call, String... mustMention) {
        ExpectedFailure.fails(IllegalArgumentException.class, call, mustMention);
    }

    @Test void badGraphsAreRefusedNamingTheNodeAndTheValues() {
        GraphBuilder b = new GraphBuilder(Shape.of(3, 8, 8));
        Node x = b.input();
        Node a = b.add("a", new Conv2d(3, 16, 3).padding(1), x);
        Node c = b.add("c", new Conv2d(3, 32, 3).padding(1), x);
        fails(() -> b.add("add", new Add(), a, c), "add: inputs [N, 16, 8, 8] and [N, 32, 8, 8] differ");
        fails(() -> b.add("cat", new Concat(), a, b.add("p", new MaxPool2d(2), c)), "cat:", "[N, 16, 8, 8]", "[N, 32, 4, 4]");
        fails(() -> b.add("mul", new Mul(), a, c), "mul:", "gate [N, C, 1, 1]");
        fails(() -> b.add("bad", new Conv2d(16, 4, 3), c), "bad:", "Conv2d", "[1, 32, 8, 8]");
        fails(() -> b.add("a", new ReLU(), x), "'a' is taken");
        fails(() -> b.add("input", new ReLU(), x), "taken by the graph's input");
        fails(() -> b.add("two words", new ReLU(), x), "without spaces");
        fails(() -> b.add("alien", new ReLU(), new GraphBuilder(Shape.of(3, 8, 8)).input()), "not a node of this builder");
        fails(() -> b.build(a), "does not lead to the output 'a'");
    }

    @Test void aChainBuiltAsAGraphComputesWhatTheSequentialDoes() {
        List<Layer> layers = List.of(new Conv2d(1, 4, 3).padding(1), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(64, 3));
        GraphBuilder b = new GraphBuilder(Shape.of(1, 8, 8));
        Node n = b.input();
        for (int i = 0; i < layers.size(); i++) n = b.add(Integer.toString(i), layers.get(i), n);
        float[] x = GradientChecker.uniform(2 * 64, new SplittableRandom(2)), dy = GradientChecker.uniform(6, new SplittableRandom(3));
        try (Graph g = b.build(n, 7); Sequential s = new Sequential(Shape.of(1, 8, 8), 7, layers);
             Tensor in = Tensor.of(x, 2, 1, 8, 8); Tensor d = Tensor.of(dy, 2, 3)) {
            assertEquals(s.namedParameters().keySet(), g.namedParameters().keySet());
            assertArrayEquals(s.parameters().toArray(), g.parameters().toArray(), "the same initialisation");
            assertArrayEquals(s.forward(in).toArray(), g.forward(in).toArray());
            assertArrayEquals(s.backward(d, true).toArray(), g.backward(d, true).toArray());
            assertArrayEquals(s.gradients().toArray(), g.gradients().toArray());
            assertEquals(s.summary().rows(), g.summary().rows());
            try (Graph r = g.replica()) {
                assertArrayEquals(g.train(false).forward(in).toArray(), r.forward(in).toArray());
                assertThrows(IllegalStateException.class, r::gradients);
            }
        }
    }

    @Test void maxPoolingGrowsTheReceptiveField() {
        GraphBuilder b = new GraphBuilder(Shape.of(1, 32, 32));
        Node c1 = b.add("conv1", new Conv2d(1, 4, 3).padding(1), b.input());
        Node c2 = b.add("conv2", new Conv2d(4, 4, 3).padding(1), c1);
        Node p = b.add("pool", new MaxPool2d(2), c2);
        Node c3 = b.add("conv3", new Conv2d(4, 4, 3).padding(1), p);
        Node d = b.add("dilated", new Conv2d(4, 4, 3).padding(2).dilation(2), p);
        Node sum = b.add("sum", new Add(), c3, d);
        ModelSummary s = ModelSummary.ofGraph(b.nodes());
        List<String> fields = s.rows().stream().map(r -> r.name() + " " + r.receptiveField()).toList();
        assertEquals(List.of("conv1 3×3 /1×1", "conv2 5×5 /1×1", "pool 6×6 /2×2", "conv3 10×10 /2×2", "dilated 14×14 /2×2",
                "sum 14×14 /2×2"), fields);
        assertEquals(List.of("conv3", "dilated"), s.rows().get(5).inputs());
        assertTrue(s.toString().contains("14×14 /2×2"), s.toString());
    }

    /** The README's example, as written there. */
    @Test void theReadmeExampleBuildsAResNet() {
        GraphBuilder b = new GraphBuilder(Shape.of(3, 32, 32));
        Node x = b.add("conv1", new Conv2d(3, 16, 3).padding(1).bias(false), b.input());
        x = b.add("relu", new ReLU(), b.add("bn1", new BatchNorm2d(16), x));
        x = new BasicBlock(16, 16, 1).addTo(b, "layer1.0", x);
        x = new BasicBlock(16, 32, 2).addTo(b, "layer2.0", x);   // 1×1 conv + BN shortcut
        x = b.add("flatten", new Flatten(), b.add("avgpool", new GlobalAvgPool2d(), x));
        try (Graph net = b.build(b.add("fc", new Linear(32, 10), x), 42)) {
            assertArrayEquals(new int[] {32, 16, 1, 1}, net.namedParameters().get("layer2.0.downsample.0.weight").shape().dims());
            ModelSummary s = net.summary();
            assertEquals(Shape.of(10), s.rows().get(s.rows().size() - 1).output());
            assertEquals(net.parameterCount(), s.parameters());
        }
    }

    @Test void closingAGraphFreesEverything() {
        long before = Tensor.liveCount();
        try (Graph g = GraphGradientTest.joins(1); Tensor x = Tensor.zeros(2, 2, 6, 6); Tensor dy = Tensor.zeros(2, 2, 4, 4)) {
            g.forward(x);
            g.backward(dy, true);
            assertThrows(IllegalStateException.class, () -> g.forward(x).close(), "the output is borrowed");
        }
        assertEquals(before, Tensor.liveCount());
    }
}

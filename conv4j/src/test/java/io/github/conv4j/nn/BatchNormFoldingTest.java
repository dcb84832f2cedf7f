package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.GradientChecker;
import io.github.conv4j.zoo.CifarResNet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Folding batch normalisation into the convolution before it: the folded model gives the
 * evaluation-mode outputs of the source within float rounding, drops exactly the folded
 * normalisations, keeps a convolution another node also reads unfolded, and leaves the source as it was.
 */
class BatchNormFoldingTest {
    /** Running statistics and γ/β far from their initial 0, 1, 1, 0, so that folding has something to get wrong. */
    private static void randomiseNormalisations(Model m, SplittableRandom rng) {
        for (Map.Entry<String, Tensor> e : m.namedState().entrySet()) {
            boolean variance = e.getKey().endsWith(".running_var");
            fill(e.getValue(), rng, variance ? 0.2 : -1, variance ? 2.2 : 1);
            if (!variance) continue;
            String layer = e.getKey().substring(0, e.getKey().length() - ".running_var".length());
            fill(m.namedParameters().get(layer + ".weight"), rng, 0.5, 1.5);   // γ
            fill(m.namedParameters().get(layer + ".bias"), rng, -0.5, 0.5);   // β
        }
    }

    private static void fill(Tensor t, SplittableRandom rng, double from, double to) {
        float[] v = new float[(int) t.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextDouble(from, to);
        t.copyFrom(v);
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double scale = 0;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++)
            assertEquals(expected[i], actual[i], 1e-5 * scale + 1e-6, "output " + i + " (largest output " + scale + ")");
    }

    @Test void aFoldedResNetGivesTheEvaluationOutputsOfTheSource() {
        SplittableRandom rng = new SplittableRandom(5);
        Shape input = Shape.of(3, 12, 12);
        try (Graph net = CifarResNet.ofDepth(8, 3, 4).build(input, 11);
             Tensor x = Tensor.of(GradientChecker.uniform(3 * 3 * 12 * 12, rng), 3, 3, 12, 12)) {
            randomiseNormalisations(net, rng);
            net.setPreprocessing(Preprocessing.identity(3, 4));
            float[] params = net.parameters().toArray(), state = net.state().toArray();
            float[] expected = net.train(false).forward(x).toArray();
            // conv1, the three blocks' two convolutions each and the two projection shortcuts: nine normalisations
            assertEquals(9, BatchNormFolding.foldable(net));
            try (Graph folded = BatchNormFolding.fold(net)) {
                assertClose(expected, folded.forward(x).toArray());
                assertFalse(folded.isTraining());
                assertFalse(folded.isTrainable(), "inference only: no gradient buffer");
                assertEquals(net.nodes().size() - 9, folded.nodes().size());
                assertTrue(folded.nodes().stream().noneMatch(n -> n.layer().orElse(null) instanceof BatchNorm2d));
                assertTrue(folded.namedParameters().containsKey("layer2.0.downsample.0.bias"), "the projection's convolution gained a bias");
                assertEquals(net.preprocessing(), folded.preprocessing());
                assertEquals(0, BatchNormFolding.foldable(folded));
            }
            assertArrayEquals(params, net.parameters().toArray(), "the source's parameters are untouched");
            assertArrayEquals(state, net.state().toArray(), "and so is its state");
            assertArrayEquals(expected, net.forward(x).toArray());
        }
    }

    @Test void aChainFoldsConvolutionsWithAndWithoutBias() {
        SplittableRandom rng = new SplittableRandom(8);
        List<Layer> layers = List.of(new Conv2d(2, 5, 3).padding(1), new BatchNorm2d(5), new ReLU(), new MaxPool2d(2),
                new Conv2d(5, 6, 3).bias(false), new BatchNorm2d(6), new Flatten(), new Linear(24, 3));
        try (Sequential net = new Sequential(Shape.of(2, 8, 8), 3, layers);
             Tensor x = Tensor.of(GradientChecker.uniform(4 * 2 * 8 * 8, rng), 4, 2, 8, 8)) {
            randomiseNormalisations(net, rng);
            float[] expected = net.train(false).forward(x).toArray();
            assertEquals(2, BatchNormFolding.foldable(net));
            try (Sequential folded = BatchNormFolding.fold(net)) {
                assertEquals(6, folded.layers().size());
                assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "5.weight", "5.bias"),
                        List.copyOf(folded.namedParameters().keySet()));
                assertClose(expected, folded.forward(x).toArray());
            }
        }
    }

    @Test void aConvolutionWithAnotherReaderIsNotFolded() {
        GraphBuilder b = new GraphBuilder(Shape.of(2, 6, 6));
        Node conv = b.add("conv", new Conv2d(2, 4, 3).padding(1), b.input());
        Node bn = b.add("bn", new BatchNorm2d(4), conv);
        Node sum = b.add("add", new Add(), bn, conv);   // the sum needs the convolution's own output too
        SplittableRandom rng = new SplittableRandom(3);
        try (Graph net = b.build(sum, 1); Tensor x = Tensor.of(GradientChecker.uniform(2 * 2 * 36, rng), 2, 2, 6, 6)) {
            randomiseNormalisations(net, rng);
            assertEquals(0, BatchNormFolding.foldable(net));
            float[] expected = net.train(false).forward(x).toArray();
            try (Graph same = BatchNormFolding.fold(net)) {
                assertEquals(net.nodes().size(), same.nodes().size());
                assertArrayEquals(expected, same.forward(x).toArray(), "nothing folded: the same computation");
            }
        }
    }

    @Test void anUnknownKindOfModelIsRefusedByName() {
        try (Sequential net = new Sequential(Shape.of(4), new Linear(4, 2)); Model replica = net.replica()) {
            Model other = (Model) java.lang.reflect.Proxy.newProxyInstance(Model.class.getClassLoader(), new Class<?>[] {Model.class},
                    (proxy, method, args) -> null);   // a user's own implementation of the interface
            Throwable t = assertThrows(IllegalArgumentException.class, () -> BatchNormFolding.fold(other));
            assertTrue(t.getMessage().contains("only a Sequential or a Graph"), t.getMessage());
            assertEquals(0, BatchNormFolding.foldable(replica));
        }
    }
}

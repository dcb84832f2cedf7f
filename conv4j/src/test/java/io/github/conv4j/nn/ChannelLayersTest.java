package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.io.ModelFile;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.GradientChecker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * ShuffleNet's channel layers: {@link ChannelShuffle} and {@link ChannelSlice} against values
 * worked out by hand, finite differences of each alone and of a ShuffleNetV2 unit (one value
 * sliced twice, so the graph sums two slices' gradients), and their refusals.
 */
class ChannelLayersTest {
    /** N×C×1×2 with x[n, c, 0, w] = 100n + 10c + w: each value says where it came from. */
    private static float[] labelled(int n, int c) {
        float[] x = new float[n * c * 2];
        for (int s = 0; s < n; s++)
            for (int ch = 0; ch < c; ch++)
                for (int w = 0; w < 2; w++) x[(s * c + ch) * 2 + w] = 100 * s + 10 * ch + w;
        return x;
    }

    /** The labelled values of sample s's channels in the order given. */
    private static float[] channels(int s, int... order) {
        float[] x = new float[order.length * 2];
        for (int i = 0; i < order.length; i++)
            for (int w = 0; w < 2; w++) x[i * 2 + w] = 100 * s + 10 * order[i] + w;
        return x;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static float[] forward(Layer layer, int n, int c) {
        try (Sequential model = new Sequential(Shape.of(c, 1, 2), layer);
             Tensor x = Tensor.of(labelled(n, c), n, c, 1, 2)) {
            return model.forward(x).toArray();
        }
    }

    @Test void shuffleInterleavesTheGroups() {
        // 6 channels in 2 groups [0 1 2 | 3 4 5] → 0 3 1 4 2 5; in 3 groups [0 1 | 2 3 | 4 5] → 0 2 4 1 3 5
        assertArrayEquals(concat(channels(0, 0, 3, 1, 4, 2, 5), channels(1, 0, 3, 1, 4, 2, 5)),
                forward(new ChannelShuffle(2), 2, 6));
        assertArrayEquals(concat(channels(0, 0, 2, 4, 1, 3, 5), channels(1, 0, 2, 4, 1, 3, 5)),
                forward(new ChannelShuffle(3), 2, 6));
        assertArrayEquals(labelled(1, 5), forward(new ChannelShuffle(1), 1, 5), "one group keeps the order");
    }

    @Test void sliceTakesItsChannels() {
        assertArrayEquals(concat(channels(0, 1, 2), channels(1, 1, 2)), forward(new ChannelSlice(1, 3), 2, 5));
        assertArrayEquals(concat(channels(0, 3, 4), channels(1, 3, 4)), forward(new ChannelSlice(3, 5), 2, 5));
        assertArrayEquals(labelled(1, 4), forward(new ChannelSlice(0, 4), 1, 4), "all channels");
    }

    @Test void backwardUndoesTheShuffleAndZeroesWhatTheSliceDidNotTake() {
        Shape sample = Shape.of(6, 1, 2);
        try (Sequential shuffle = new Sequential(sample, new ChannelShuffle(2));
             Sequential slice = new Sequential(sample, new ChannelSlice(2, 4));
             Tensor x = Tensor.of(labelled(1, 6), 1, 6, 1, 2);
             Tensor dyShuffled = Tensor.of(channels(0, 0, 3, 1, 4, 2, 5), 1, 6, 1, 2);
             Tensor dySlice = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 1, 2)) {
            shuffle.forward(x);
            assertArrayEquals(labelled(1, 6), shuffle.backward(dyShuffled, true).toArray(), "the inverse permutation");
            slice.forward(x);
            assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0}, slice.backward(dySlice, true).toArray());
        }
    }

    @Test void eachLayerMatchesFiniteDifferences() {
        GradientChecker checker = new GradientChecker();
        Shape in = Shape.of(2, 6, 3, 3);
        checker.check(new ChannelShuffle(3), in, GradientChecker.uniform((int) in.size(), new SplittableRandom(1)), 1);
        checker.check(new ChannelSlice(1, 4), in, GradientChecker.uniform((int) in.size(), new SplittableRandom(2)), 2);
    }

    /** torchvision's stride-1 InvertedResidual: chunk in two, convolve the second half, concatenate, shuffle. */
    private static Graph shuffleNetUnit(long seed) {
        GraphBuilder b = new GraphBuilder(Shape.of(4, 5, 5));
        Node x = b.add("stem", new Conv2d(4, 4, 1), b.input());
        Node kept = b.add("x1", new ChannelSlice(0, 2), x);
        Node branch = b.add("x2", new ChannelSlice(2, 4), x);
        Node conv = b.add("branch", new Conv2d(2, 2, 3).padding(1), branch);
        Node joined = b.add("cat", new Concat(), kept, conv);
        return b.build(b.add("shuffle", new ChannelShuffle(2), joined), seed);
    }

    @Test void shuffleNetUnitMatchesFiniteDifferences() {
        try (Graph g = shuffleNetUnit(3)) {
            new GradientChecker(1e-2, 2e-2, 40).check(g, Shape.of(2, 4, 5, 5),
                    GradientChecker.uniform(2 * 4 * 25, new SplittableRandom(5)), 6);
        }
    }

    @Test void shuffleNetUnitSavesAndLoads(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("unit.c4j");
        try (Graph g = shuffleNetUnit(4); Tensor x = Tensor.of(GradientChecker.uniform(100, new SplittableRandom(7)), 1, 4, 5, 5)) {
            float[] expected = g.forward(x).toArray();
            ModelFile.save(file, g, Map.of());
            try (ModelFile.Loaded loaded = ModelFile.load(file)) {
                Graph back = assertInstanceOf(Graph.class, loaded.model());
                assertEquals(g.nodes().stream().map(Node::toString).toList(), back.nodes().stream().map(Node::toString).toList());
                assertArrayEquals(expected, back.forward(x).toArray());
            }
        }
    }

    private static void fails(Executable call, String... mustMention) {
        Throwable t = assertThrows(IllegalArgumentException.class, call);
        for (String s : mustMention)
            assertTrue(t.getMessage().contains(s), "message '" + t.getMessage() + "' should mention '" + s + "'");
    }

    @Test void badConfigurationsAndShapesNameTheLayer() {
        fails(() -> new ChannelShuffle(0), "ChannelShuffle", "groups", "0");
        fails(() -> new ChannelShuffle(4).outputShape(Shape.of(2, 6, 3, 3)), "ChannelShuffle(4 groups)", "6 channels");
        fails(() -> new ChannelSlice(-1, 2), "ChannelSlice", "start", "-1");
        fails(() -> new ChannelSlice(3, 3), "ChannelSlice", "end 3", "start 3");
        fails(() -> new ChannelSlice(2, 8).outputShape(Shape.of(2, 5, 3, 3)), "ChannelSlice(2:8)", "5 channels");
        fails(() -> new Sequential(Shape.of(6, 2, 2), new ChannelShuffle(4)), "ChannelShuffle(4 groups)");
        assertEquals(Shape.of(2, 3, 4, 4), new ChannelSlice(1, 4).outputShape(Shape.of(2, 6, 4, 4)));
        assertEquals(List.of(), new ChannelShuffle(2).parameterShapes());
    }
}

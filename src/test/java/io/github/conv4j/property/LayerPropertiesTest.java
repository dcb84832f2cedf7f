package io.github.conv4j.property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.Reference;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random layer parameters and shapes, including zero, negative, huge and mismatched values: every
 * call either matches the double-precision reference or throws an IllegalArgumentException that
 * names the layer. Never a crash. CI runs a few hundred tries; for 10,000:
 * {@code mvn test -Dtest=LayerPropertiesTest -Djqwik.tries.default=10000}.
 */
class LayerPropertiesTest {

    private static float[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rng.nextDouble() * 2 - 1);
        return v;
    }

    private static void close(double[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++)
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol * (1 + Math.abs(expected[i])),
                    what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
    }

    @Property
    void conv2dMatchesTheReferenceOrRefusesClearly(
            @ForAll @IntRange(min = -1, max = 3) int n, @ForAll @IntRange(min = -1, max = 4) int c,
            @ForAll @IntRange(min = -2, max = 9) int h, @ForAll @IntRange(min = 0, max = 9) int w,
            @ForAll @IntRange(min = -1, max = 4) int k, @ForAll @IntRange(min = 0, max = 4) int r,
            @ForAll @IntRange(min = 1, max = 4) int s, @ForAll @IntRange(min = 0, max = 3) int stride,
            @ForAll @IntRange(min = -1, max = 3) int pad, @ForAll @IntRange(min = 1, max = 2) int dil,
            @ForAll @IntRange(min = 1, max = 3) int groups, @ForAll @IntRange(min = -1, max = 1) int channelMismatch) {
        Conv2d conv;
        Shape in;
        try {
            conv = new Conv2d(c, k, r, s).stride(stride, 1).padding(pad, 0).dilation(dil, 1).groups(groups);
            in = Shape.of(n, c + channelMismatch, h, w);
            conv.outputShape(in);
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            assertTrue(m.contains("Conv2d") || m.contains("shape"), "names the layer or the shape: " + m);
            return;
        }
        Reference.Conv g = new Reference.Conv(n, c, h, w, k, r, s, stride, 1, pad, 0, dil, 1, groups);
        float[] x = random((int) in.size(), 1), dyv;
        try (Sequential m = new Sequential(in.dropBatch(), 3, List.of(conv)); Tensor xt = Tensor.of(x, in.dims())) {
            float[] wt = m.parameters(0).get(0).toArray(), b = m.parameters(0).get(1).toArray();
            Tensor y = m.forward(xt);
            assertEquals(Shape.of(n, k, g.outH(), g.outW()), y.shape());
            dyv = random((int) y.size(), 2);
            double[][] ref = Reference.conv(g, x, wt, b, dyv);
            close(ref[0], y.toArray(), 1e-4, "y");
            try (Tensor dy = Tensor.of(dyv, y.shape().dims())) {
                m.zeroGrad();
                close(ref[1], m.backward(dy, true).toArray(), 1e-4, "dx");
                close(ref[2], m.gradients(0).get(0).toArray(), 1e-4, "dw");
                close(ref[3], m.gradients(0).get(1).toArray(), 1e-4, "db");
            }
        }
    }

    @Property
    void maxPoolMatchesTheReferenceOrRefusesClearly(
            @ForAll @IntRange(min = 0, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
            @ForAll @IntRange(min = -1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
            @ForAll @IntRange(min = -1, max = 4) int k, @ForAll @IntRange(min = 0, max = 3) int stride,
            @ForAll @IntRange(min = -1, max = 2) int pad) {
        MaxPool2d pool;
        Shape in, out;
        try {
            pool = new MaxPool2d(k).stride(stride).padding(pad);
            in = Shape.of(n, c, h, w);
            out = pool.outputShape(in);
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            assertTrue(m.toLowerCase().contains("pool") || m.contains("shape"), "names the layer or the shape: " + m);
            return;
        }
        float[] x = random((int) in.size(), 4);
        try (Sequential m = new Sequential(in.dropBatch(), 3, List.of(pool)); Tensor xt = Tensor.of(x, in.dims())) {
            Tensor y = m.forward(xt);
            float[] dyv = random((int) y.size(), 5);
            double[][] ref = Reference.maxPool(n, c, h, w, k, stride, pad, out.dim(2), out.dim(3), x, dyv);
            close(ref[0], y.toArray(), 0, "y");
            try (Tensor dy = Tensor.of(dyv, y.shape().dims())) {
                close(ref[1], m.backward(dy, true).toArray(), 1e-6, "dx");
            }
        }
    }
}

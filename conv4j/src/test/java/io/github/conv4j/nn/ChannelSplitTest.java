package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.PortableKernels;
import io.github.conv4j.testing.RandomFloats;
import io.github.conv4j.testing.Reference;
import io.github.conv4j.testing.RestoreParallelism;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A one-image convolution forward is split over the workers by output channels (ChannelSplit):
 * every part, including a ragged last one, with and without bias and fused ReLU, must give what
 * a double-precision convolution gives, on the fast and the portable kernels; so must the batch
 * of two that follows (not split) and the one image again, so that the split's views and the
 * layer's own state do not disturb each other.
 */
@ExtendWith(RestoreParallelism.class)
class ChannelSplitTest {
    @ParameterizedTest(name = "{0}x{1}x{2} -> {3} k{4} s{5} p{6} bias {7} relu {8} on {9} threads")
    @CsvSource({   // convolutions of 2^18 multiply-adds and more are split (ChannelSplit.MIN_SPLIT_WORK)
            "1, 28, 28, 32, 5, 1, 2, true, true, 2", "32, 14, 14, 64, 5, 1, 2, true, true, 2",
            "3, 33, 31, 40, 3, 2, 1, false, false, 2", "8, 21, 19, 72, 3, 1, 1, true, false, 3",
            "1, 29, 27, 33, 5, 1, 2, false, true, 2", "16, 20, 20, 48, 1, 1, 0, true, true, 2",
            "32, 14, 14, 64, 5, 1, 2, true, true, 1"})
    void matchesDoublePrecision(int c, int h, int w, int k, int kernel, int stride, int pad, boolean bias, boolean relu, int workers)
            throws Throwable {
        Parallelism.configure(workers, Parallelism.Mode.BATCH);
        check(c, h, w, k, kernel, stride, pad, bias, relu);
        PortableKernels.call(() -> {   // the parts on im2col + OpenBLAS (and the 1x1 path) too
            check(c, h, w, k, kernel, stride, pad, bias, relu);
            return null;
        });
    }

    private static void check(int c, int h, int w, int k, int kernel, int stride, int pad, boolean bias, boolean relu) {
        List<Layer> layers = new ArrayList<>(List.of(new Conv2d(c, k, kernel).stride(stride).padding(pad).bias(bias)));
        if (relu) layers.add(new ReLU());
        Random r = new Random(c * 131L + k);
        float[] xv = RandomFloats.gaussian(r, 2 * c * h * w);
        try (Sequential m = new Sequential(Shape.of(c, h, w), 7, layers);
             Tensor x1 = Tensor.of(java.util.Arrays.copyOf(xv, c * h * w), 1, c, h, w); Tensor x2 = Tensor.of(xv, 2, c, h, w)) {
            m.train(false);
            float[] wv = m.parameters(0).get(0).toArray(), bv = bias ? m.parameters(0).get(1).toArray() : null;
            Reference.Conv g = new Reference.Conv(2, c, h, w, k, kernel, kernel, stride, stride, pad, pad, 1, 1, 1);
            double[] expected = Reference.conv(g, xv, wv, bv, new float[2 * k * g.outH() * g.outW()])[0];
            if (relu) for (int i = 0; i < expected.length; i++) expected[i] = Math.max(0, expected[i]);
            check(expected, m.forward(x1).toArray(), c * kernel * kernel, "one image");
            check(expected, m.forward(x2).toArray(), c * kernel * kernel, "two images");
            check(expected, m.forward(x1).toArray(), c * kernel * kernel, "one image again");
        }
    }

    /** actual: the first actual.length values of expected (one image, or both). */
    private static void check(double[] expected, float[] actual, int terms, String what) {
        for (int i = 0; i < actual.length; i++)
            assertEquals(expected[i], actual[i], 1e-5 * Math.sqrt(terms) * Math.max(1, Math.abs(expected[i])) * 4, what + " y[" + i + "]");
    }
}

package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.PortableKernels;
import io.github.conv4j.testing.Reference;
import io.github.conv4j.testing.RestoreParallelism;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ties and NaN in max pooling, on the 2×2/2 fast path and on the general window loop alike. */
@ExtendWith(RestoreParallelism.class)
class MaxPoolSemanticsTest {
    /** One plane's output and its input gradient for a gradient of ones. */
    private static float[][] run(MaxPool2d pool, float[] x, int h, int w) { return pool(pool, 1, h, w, x, null); }

    /** The 2×2/2 fast path; the general loop's ties are the conformance case maxpool2d_lecture_ties_3x3s2. */
    @Test void tiesGoToTheFirstMaximumInScanOrder() {
        float[] x = {5, 5, 1, 2, 5, 5, 3, 4, 0, 0, 7, 7, 0, 0, 7, 7};
        float[][] r = run(new MaxPool2d(2), x, 4, 4);
        assertArrayEquals(new float[] {5, 4, 0, 7}, r[0]);
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0}, r[1]);
    }

    @Test void nanPropagatesOnBothPaths() {
        float[] x = {1, 2, 3, 4, Float.NaN, 6, 7, 8, 9};
        float[][] fast = run(new MaxPool2d(2), java.util.Arrays.copyOf(new float[] {1, Float.NaN, 3, 4}, 4), 2, 2);
        assertTrue(Float.isNaN(fast[0][0]), "2×2/2 window with a NaN gives NaN");
        assertEquals(1f, fast[1][1], "the gradient goes to the NaN");
        float[][] general = run(new MaxPool2d(3).stride(1), x, 3, 3);
        assertTrue(Float.isNaN(general[0][0]), "3×3 window with a NaN gives NaN");
        assertEquals(1f, general[1][4]);
    }

    /**
     * Stride-2 windows: 2×2 in rows wide enough for the vectorised 2×2/2 path (eight windows at a
     * time, an overlapping or masked block at a ragged row end) and odd widths and heights; larger
     * windows (AlexNet's 3×3/2 at 55×55, ResNet's padded 3×3/2) for the vectorised loop over the
     * interior and the general one at the borders. Many ties, a batch of one whose planes are
     * split over two workers: exactly the reference's values and gradients, with the fast kernels
     * and with the portable ones (NaNs: nanPropagatesOnBothPaths).
     */
    @ParameterizedTest(name = "{0}x{1}x{2} window {3} pad {4}")
    @CsvSource({"2, 6, 35, 2, 0", "3, 5, 16, 2, 0", "1, 9, 30, 2, 0", "2, 4, 14, 2, 0", "1, 3, 7, 2, 0", "1, 2, 2, 2, 0",
                "64, 55, 55, 3, 0", "64, 27, 27, 3, 0", "9, 40, 41, 3, 1", "5, 33, 38, 5, 2", "3, 20, 19, 4, 1"})
    void stride2WindowsMatchTheReference(int c, int h, int w, int k, int pad) throws Throwable {
        int outH = (h + 2 * pad - k) / 2 + 1, outW = (w + 2 * pad - k) / 2 + 1;
        java.util.Random r = new java.util.Random(h * 100 + w);
        float[] x = new float[c * h * w], dy = new float[c * outH * outW];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(4);   // ties in most windows
        for (int i = 0; i < dy.length; i++) dy[i] = 1 + i % 1000;  // tells which output went where
        double[][] ref = Reference.maxPool(1, c, h, w, k, 2, pad, outH, outW, x, dy);
        MaxPool2d layer = new MaxPool2d(k).stride(2).padding(pad);
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        float[][] fast = pool(layer, c, h, w, x, dy), portable = PortableKernels.call(() -> pool(layer, c, h, w, x, dy));
        for (float[][] got : new float[][][] {fast, portable})
            for (int j = 0; j < 2; j++)
                for (int i = 0; i < ref[j].length; i++)
                    assertEquals(ref[j][i], got[j][i], 0.0, (j == 0 ? "y[" : "dx[") + i + "]");
    }

    /** A NaN inside a block of eight windows wins its window only, on the vectorised path. */
    @Test void nanInsideAVectorBlock() {
        float[] x = new float[2 * 20];
        for (int i = 0; i < x.length; i++) x[i] = i;
        x[20 + 9] = Float.NaN;   // second row, window 4
        float[][] r = run(new MaxPool2d(2), x, 2, 20);
        for (int q = 0; q < 10; q++)
            if (q == 4) assertTrue(Float.isNaN(r[0][q]), "window 4 holds the NaN");
            else assertEquals(21 + 2 * q, r[0][q], "window " + q);
        assertEquals(1f, r[1][29], "the gradient goes to the NaN");
    }

    /**
     * The 2×2/2 backward gives the same bits on the vectorised path as on the portable scatter-add
     * into a zeroed plane, as PyTorch's (checked with PyTorch 1.13: 0 + dy): +0 where the winner's
     * gradient is −0, a signalling NaN made quiet, a NaN's sign and payload kept. Rows of 4–7
     * windows (wide loads into the next row), exactly 8, ragged ends, odd sizes; ties between +0
     * and −0 and equal values, NaN inputs; the pooling alone and with the ReLU before it fused
     * into its backward (the mask by y > 0); two images' planes split over two workers.
     */
    @ParameterizedTest(name = "N2 C{0} {1}x{2}")
    @CsvSource({"3, 6, 35", "2, 9, 16", "3, 8, 9", "2, 7, 14", "1, 40, 41", "4, 3, 10"})
    void fastBackwardGivesThePortableBits(int c, int h, int w) throws Throwable {
        assumeTrue(Conv4jNative.fastKernels() == 1, "the fast kernels need x86-64 with AVX2/FMA");
        int n = 2, outH = h / 2, outW = w / 2;
        java.util.Random r = new java.util.Random(31L * h + w);
        float[] x = new float[n * c * h * w], dy = new float[n * c * outH * outW];
        float[] values = {-0f, 0f, -1f, 1f, 2f};
        int[] nans = {0x7fc00000, 0x7fc12345, 0xffc00000, 0x7fa00001};   // quiet, payload, negative, signalling
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(60) == 0 ? Float.NaN : values[r.nextInt(values.length)];
        int negativeZeros = 0;
        for (int i = 0; i < dy.length; i++) {
            int k = r.nextInt(10);
            dy[i] = k < 4 ? -0f : k == 4 ? Float.intBitsToFloat(nans[r.nextInt(nans.length)]) : values[r.nextInt(values.length)];
            negativeZeros += Float.floatToRawIntBits(dy[i]) == 0x80000000 ? 1 : 0;
        }
        assertTrue(negativeZeros > dy.length / 4, "the gradient holds -0 at many winners");
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        for (boolean reluBefore : new boolean[] {false, true}) {
            List<Layer> layers = reluBefore ? List.of(new ReLU(), new MaxPool2d(2)) : List.of(new MaxPool2d(2));
            float[][] fast = pool(layers, n, c, h, w, x, dy), portable = PortableKernels.call(() -> pool(layers, n, c, h, w, x, dy));
            for (int j = 0; j < 2; j++)
                for (int i = 0; i < fast[j].length; i++)
                    assertEquals(Float.floatToRawIntBits(portable[j][i]), Float.floatToRawIntBits(fast[j][i]),
                            (reluBefore ? "ReLU+pool " : "pool ") + (j == 0 ? "y[" : "dx[") + i + "] bits");
        }
    }

    /** PyTorch's bits for a −0 gradient: +0 everywhere, the winners included, on both paths. */
    @Test void negativeZeroGradientGivesPositiveZeros() throws Throwable {
        float[] x = new float[4 * 8], dy = new float[2 * 4];
        for (int i = 0; i < x.length; i++) x[i] = i % 5;
        java.util.Arrays.fill(dy, -0f);
        float[][] fast = pool(List.of(new MaxPool2d(2)), 1, 1, 4, 8, x, dy),
                  portable = PortableKernels.call(() -> pool(List.of(new MaxPool2d(2)), 1, 1, 4, 8, x, dy));
        for (float[] dx : new float[][] {fast[1], portable[1]})
            for (int i = 0; i < dx.length; i++) assertEquals(0, Float.floatToRawIntBits(dx[i]), "dx[" + i + "] is +0");
    }

    /**
     * An evaluation forward writes the values alone (no argmax), on the vector kernels of
     * pool_kernel.h where they run: the same bits as a training forward, on AVX-512 (where the
     * CPU has it), AVX2 and the portable path. AlexNet's three 3×3/2 planes (13×13: rows of 6
     * windows, under masks), the 2×2/2 window, ResNet's padded 3×3/2, narrow and ragged rows,
     * ceil mode (a last window past the plane: the general loop); inputs of −0, +0, ties and a
     * few NaNs of different payloads (the plane redone by the general loop, the first NaN
     * winning). Then a backward after that evaluation forward finds the argmax first: the same
     * input gradient as after a training forward.
     */
    @ParameterizedTest(name = "N{0} C{1} {2}x{3} window {4}/{5} pad {6} ceil {7}")
    @CsvSource({"2, 5, 13, 13, 3, 2, 0, false", "2, 3, 27, 27, 3, 2, 0, false", "1, 4, 55, 55, 3, 2, 0, false",
                "2, 3, 14, 37, 2, 2, 0, false", "1, 3, 9, 41, 3, 2, 1, false", "2, 2, 7, 5, 3, 2, 0, false",
                "1, 2, 3, 3, 3, 2, 0, false", "2, 3, 12, 20, 3, 3, 1, false", "1, 3, 14, 14, 3, 2, 0, true",
                "3, 2, 8, 70, 2, 2, 0, false"})
    void evaluationForwardGivesTheTrainingBits(int n, int c, int h, int w, int k, int stride, int pad, boolean ceil) throws Throwable {
        java.util.Random r = new java.util.Random(1000L * h + w + k);
        float[] values = {-0f, 0f, -0f, 0f, -1f, -0.5f, -2f, 1f};   // many windows whose maximum is ±0
        int[] nans = {0x7fc00000, 0x7fc12345, 0xffc00000};
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++)
            x[i] = r.nextInt(150) == 0 ? Float.intBitsToFloat(nans[r.nextInt(nans.length)]) : values[r.nextInt(values.length)];
        MaxPool2d layer = new MaxPool2d(k).stride(stride).padding(pad).ceilMode(ceil);
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        List<float[][]> runs = new java.util.ArrayList<>();
        int before = Conv4jNative.avx512Kernels();
        try {
            for (int avx512 = Conv4jNative.avx512Available(); avx512 >= 0; avx512--) {
                Conv4jNative.setAvx512(avx512);
                runs.add(trainAndEvaluate(layer, n, c, h, w, x));
            }
        } finally {
            Conv4jNative.setAvx512(before);
        }
        runs.add(PortableKernels.call(() -> trainAndEvaluate(layer, n, c, h, w, x)));
        int signedZeros = 0;
        for (float v : runs.get(0)[0]) signedZeros += Float.floatToRawIntBits(v) == 0x80000000 ? 1 : 0;
        assertTrue(signedZeros > 0, "some windows' first maximum is -0");
        for (int run = 0; run < runs.size(); run++) {
            float[][] got = runs.get(run);
            for (int j = 1; j < 4; j += 2)
                for (int i = 0; i < got[j].length; i++)
                    assertEquals(Float.floatToRawIntBits(got[j - 1][i]), Float.floatToRawIntBits(got[j][i]),
                            "run " + run + (j == 1 ? ": evaluation y[" : ": dx after it [") + i + "] bits");
            for (int j = 0; j < 4; j++)   // and every path the same bits as the first
                for (int i = 0; i < got[j].length; i++)
                    assertEquals(Float.floatToRawIntBits(runs.get(0)[j][i]), Float.floatToRawIntBits(got[j][i]),
                            "run " + run + " against run 0, array " + j + "[" + i + "]");
        }
    }

    /**
     * Through one model: the training forward's y, the evaluation forward's y, the input gradient
     * (for a gradient that tells the outputs apart) after the training forward, and after the
     * evaluation one.
     */
    private static float[][] trainAndEvaluate(MaxPool2d layer, int n, int c, int h, int w, float[] x) {
        try (Sequential m = new Sequential(Shape.of(c, h, w), 1, List.of(layer)); Tensor in = Tensor.of(x, n, c, h, w)) {
            Tensor y = m.forward(in);
            float[] trained = y.toArray(), dy = new float[trained.length];
            for (int i = 0; i < dy.length; i++) dy[i] = 1 + i % 1000;
            try (Tensor g = Tensor.of(dy, y.shape().dims())) {
                float[] dxTrained = m.backward(g, true).toArray();
                m.train(false);
                float[] evaluated = m.forward(in).toArray();
                float[] dxEvaluated = m.backward(g, true).toArray();
                return new float[][] {trained, evaluated, dxTrained, dxEvaluated};
            }
        }
    }

    /** The output of one image and its input gradient for dy (null: ones). */
    private static float[][] pool(MaxPool2d layer, int c, int h, int w, float[] x, float[] dy) {
        return pool(List.of(layer), 1, c, h, w, x, dy);
    }

    /** The output of n images through the layers and their input gradient for dy (null: ones). */
    private static float[][] pool(List<Layer> layers, int n, int c, int h, int w, float[] x, float[] dy) {
        try (Sequential m = new Sequential(Shape.of(c, h, w), 1, layers); Tensor in = Tensor.of(x, n, c, h, w)) {
            Tensor y = m.forward(in);
            float[] gv = dy;
            if (gv == null) {
                gv = new float[Math.toIntExact(y.size())];
                java.util.Arrays.fill(gv, 1f);
            }
            try (Tensor g = Tensor.of(gv, y.shape().dims())) {
                return new float[][] {y.toArray(), m.backward(g, true).toArray()};
            }
        }
    }
}

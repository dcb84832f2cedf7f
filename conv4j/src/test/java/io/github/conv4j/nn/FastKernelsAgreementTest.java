package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.PortableKernels;
import io.github.conv4j.testing.RandomFloats;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * conv4j's AVX2/FMA kernels (its own GEMM, col2im rows) against the portable path (plain C and
 * OpenBLAS) on convolutions large enough to use every part of the GEMM: full 6x16 tiles and
 * ragged edges in both directions, depth cut into several blocks (more than 256 kernel taps),
 * several images per product, both ways of computing the input gradient, groups and dilation.
 * The conformance cases check both paths against PyTorch on
 * small shapes; this checks that they agree on large ones, forward and every gradient.
 */
class FastKernelsAgreementTest {

    @ParameterizedTest(name = "N{0} C{1} {2}x{3} K{4} k{5} stride {6} pad {7} groups {8} dilation {9}")
    @CsvSource({
            "4, 32, 14, 14, 64, 5, 1, 2, 1, 1",   // the reference CNN's second layer: 800 taps (4 depth blocks of 200)
            "3, 1, 28, 28, 32, 5, 1, 2, 1, 1",    // a one-channel first layer: input gradient by lowering
            "5, 7, 11, 9, 41, 3, 1, 1, 1, 1",     // nothing a multiple of 6 or 16 (edge tiles of 5 and 3 rows)
            "2, 64, 13, 13, 96, 3, 2, 0, 1, 1",   // strided: input gradient by lowering
            "3, 12, 10, 10, 18, 3, 1, 1, 3, 1",   // grouped, few channels per group
            "3, 32, 9, 9, 32, 3, 1, 1, 2, 1",     // grouped, 16 channels per group: flipped input gradient
            "3, 20, 12, 11, 24, 3, 1, 2, 1, 2",   // dilated, flipped input gradient
            "2, 130, 6, 6, 20, 3, 1, 1, 1, 1",    // 1,170 taps: five depth blocks of 234
            "3, 16, 32, 32, 16, 3, 1, 1, 1, 1",   // ResNet's first stage: row products (fwd, dx), narrow tiles (dw)
            "2, 16, 9, 7, 10, 3, 1, 1, 1, 1",     // the same, ragged: 7-pixel rows, 10 of a vector's columns
            "2, 16, 12, 11, 16, 3, 1, 2, 1, 2",   // row products through a dilated tap table
            "2, 8, 11, 10, 12, 3, 1, 1, 4, 1"})   // grouped row products: 2 of 3 output channels per group
    void fastKernelsMatchPortable(int n, int c, int h, int w, int k, int kernel, int stride, int pad, int groups, int dil) throws Throwable {
        assumeTrue(Conv4jNative.fastKernels() == 1, "the fast kernels need x86-64 with AVX2/FMA");
        float[][] own = run(n, c, h, w, k, kernel, stride, pad, groups, dil);
        float[][] blas = PortableKernels.call(() -> run(n, c, h, w, k, kernel, stride, pad, groups, dil));
        assertAgree(own, blas, n, c, h, w, kernel);
    }

    /** own agrees with blas (y, dx, dw, db each) within float rounding over the products' depths. */
    static void assertAgree(float[][] own, float[][] blas, int n, int c, int h, int w, int kernel) {
        String[] what = {"y", "dx", "dw", "db"};
        for (int i = 0; i < what.length; i++) {
            double scale = 0, worst = 0;
            for (int j = 0; j < own[i].length; j++) {
                assertTrue(Float.isFinite(own[i][j]), what[i] + "[" + j + "] not finite");
                scale = Math.max(scale, Math.abs(blas[i][j]));
                worst = Math.max(worst, Math.abs(own[i][j] - blas[i][j]));
            }
            assertTrue(worst <= 1e-5 * Math.max(1, scale) * Math.sqrt(c * kernel * kernel + n * h * w),
                    what[i] + ": largest difference " + worst + " at scale " + scale);
        }
    }

    /** y, dx, dw, db of one forward and backward pass on seeded random data. */
    static float[][] run(int n, int c, int h, int w, int k, int kernel, int stride, int pad, int groups, int dil) {
        return run(n, c, h, w, k, kernel, stride, pad, groups, dil, true, true);
    }

    /**
     * y, dx, dw, db as above, the layer with or without a bias and the backward asked for the
     * input gradient or not (then dx, and db without a bias, are empty).
     */
    static float[][] run(int n, int c, int h, int w, int k, int kernel, int stride, int pad, int groups, int dil,
                         boolean bias, boolean inputGradient) {
        Shape in = Shape.of(c, h, w);
        try (Sequential m = new Sequential(in, 7, List.of(new Conv2d(c, k, kernel).stride(stride).padding(pad).dilation(dil).groups(groups).bias(bias)));
             Tensor x = Tensor.zeros(in.prependBatch(n));
             Tensor dy = Tensor.zeros(m.sampleOutput().prependBatch(n))) {
            x.copyFrom(RandomFloats.gaussian(new Random(1), x.size()));
            dy.copyFrom(RandomFloats.gaussian(new Random(2), dy.size()));
            m.zeroGrad();
            float[] y = m.forward(x).toArray();
            Tensor dx = m.backward(dy, inputGradient);
            List<Tensor> g = m.gradients(0);
            return new float[][] {y, dx == null ? new float[0] : dx.toArray(), g.get(0).toArray(), bias ? g.get(1).toArray() : new float[0]};
        }
    }
}

package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.PortableKernels;
import io.github.conv4j.testing.RandomFloats;
import io.github.conv4j.testing.RestoreParallelism;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Linear splits its features over the workers (rows of W and dW, columns of dx): every slice,
 * including ragged last ones and a batch of one, must give what one thread gives, and both must
 * match a double-precision reference; gradients accumulate over backward passes. Where the CPU has
 * AVX-512, every case runs on its kernels and again on the AVX2 ones (the forward's dot products
 * and the input gradient of linear_kernel.h differ per ISA), and once on the portable path.
 */
@ExtendWith(RestoreParallelism.class)
class LinearSplitTest {
    @ParameterizedTest(name = "N{0} {1}→{2} on {3} threads")
    @CsvSource({   // products of 2^22 multiply-adds and more are split (Linear.MIN_SPLIT_WORK)
            "40, 300, 400, 2", "1, 4100, 1030, 2", "33, 130, 1000, 2", "33, 1000, 129, 3", "40, 300, 400, 1",
            "5, 300, 200, 2", "3, 64, 10, 2", "1, 300, 17, 1", "1, 33, 5, 2",
            // past the fast forward's depth block (1024) and row block (128 per worker), ragged
            // 8-image tiles, the input gradient's 32-row depth blocks with a ragged last one (the
            // own products run from 2^16 weights a worker: linear.c's OWN_MIN_WEIGHTS)
            "20, 2100, 300, 2", "16, 1030, 1000, 2", "9, 1025, 70, 1"})
    void matchesDoublePrecision(int n, int in, int out, int workers) throws Throwable {
        int before = Conv4jNative.avx512Kernels();
        try {
            for (int avx512 = Conv4jNative.avx512Available(); avx512 >= 0; avx512--) {
                Conv4jNative.setAvx512(avx512);
                check(n, in, out, workers);
            }
        } finally {
            Conv4jNative.setAvx512(before);
        }
        PortableKernels.call(() -> { check(n, in, out, workers); return null; });
    }

    /**
     * Which product a slice takes (conv4j's own or OpenBLAS's, sgemv or sgemm) is decided on the
     * whole layer in linear.c, never on a worker's slice: a layer whose W passes a threshold only
     * whole (120,000 and 1.1 M floats; halves below 2^16 and 2^20) gives one thread's bits on any
     * number of workers: y, dx and db. (dW is OpenBLAS's sgemm on each slice's rows, whose
     * kernels OpenBLAS picks by the product's shape: its last bits may follow the split.)
     */
    @ParameterizedTest(name = "N{0} {1}→{2}")
    @CsvSource({"40, 300, 400", "1, 1100, 1000", "16, 1030, 1000"})
    void givesOneThreadsBitsOnAnyWorkerCount(int n, int in, int out) {
        float[][] one = pass(n, in, out, 1);
        for (int workers = 2; workers <= 3; workers++) {
            float[][] many = pass(n, in, out, workers);
            String[] names = {"w", "b", "y", "dx", "dw", "db"};
            for (int k : new int[] {2, 3, 5})
                assertArrayEquals(one[k], many[k], names[k] + " on " + workers + " workers");
        }
    }

    /**
     * One model's w, b, then y and dx of a forward and backward, and dw, db after a second pass
     * (which adds to them), on {@code workers} threads; the inputs depend on the shape only.
     */
    private static float[][] pass(int n, int in, int out, int workers) {
        Parallelism.configure(workers, Parallelism.Mode.BATCH);
        Random r = new Random(in * 31L + out);
        float[] xv = RandomFloats.gaussian(r, n * in), dyv = RandomFloats.gaussian(r, n * out);
        try (Sequential m = new Sequential(Shape.of(in), 11, List.of(new Linear(in, out)));
             Tensor x = Tensor.of(xv, n, in); Tensor dy = Tensor.of(dyv, n, out)) {
            float[] w = m.parameters(0).get(0).toArray(), b = m.parameters(0).get(1).toArray();
            m.zeroGrad();
            float[] y = m.forward(x).toArray();
            float[] dx = m.backward(dy, true).toArray();
            m.forward(x);
            m.backward(dy, true);   // the second pass adds to the weight and bias gradients
            return new float[][] {w, b, y, dx, m.gradients(0).get(0).toArray(), m.gradients(0).get(1).toArray(), xv, dyv};
        }
    }

    private static void check(int n, int in, int out, int workers) {
        float[][] p = pass(n, in, out, workers);
        float[] w = p[0], b = p[1], y = p[2], dx = p[3], dw = p[4], db = p[5], xv = p[6], dyv = p[7];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int j = 0; j < in; j++) s += (double) xv[i * in + j] * w[o * in + j];
                assertClose(s, y[i * out + o], in, "y[" + i + "][" + o + "]");
            }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < in; j++) {
                double s = 0;
                for (int o = 0; o < out; o++) s += (double) dyv[i * out + o] * w[o * in + j];
                assertClose(s, dx[i * in + j], out, "dx[" + i + "][" + j + "]");
            }
        for (int o = 0; o < out; o++) {
            double sb = 0;
            for (int i = 0; i < n; i++) sb += dyv[i * out + o];
            assertClose(2 * sb, db[o], n, "db[" + o + "]");
            for (int j = 0; j < in; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) s += (double) dyv[i * out + o] * xv[i * in + j];
                assertClose(2 * s, dw[o * in + j], n, "dw[" + o + "][" + j + "]");
            }
        }
    }

    private static void assertClose(double expected, float actual, int terms, String what) {
        assertEquals(expected, actual, 1e-5 * Math.sqrt(terms) * Math.max(1, Math.abs(expected)) * 4, what);
    }
}

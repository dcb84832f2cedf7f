package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ties and NaN in max pooling, on the 2×2/2 fast path and on the general window loop alike. */
class MaxPoolSemanticsTest {
    private static float[][] run(MaxPool2d pool, float[] x, int h, int w) {
        try (Sequential m = new Sequential(Shape.of(1, h, w), 1, List.of(pool)); Tensor in = Tensor.of(x, 1, 1, h, w)) {
            Tensor y = m.forward(in);
            float[] out = y.toArray();
            float[] ones = new float[out.length];
            java.util.Arrays.fill(ones, 1f);
            try (Tensor dy = Tensor.of(ones, y.shape().dims())) {
                return new float[][] {out, m.backward(dy, true).toArray()};
            }
        }
    }

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
}

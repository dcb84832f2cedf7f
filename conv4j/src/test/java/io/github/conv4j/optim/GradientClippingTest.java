package io.github.conv4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Clipping by global norm: the norm after is at most the maximum, the direction is kept, and below it nothing changes. */
class GradientClippingTest {
    private static double norm(float[] x) {
        double s = 0;
        for (float v : x) s += (double) v * v;
        return Math.sqrt(s);
    }

    @Test void aLargeGradientIsScaledToTheMaximumKeepingItsDirection() {
        float[] g = {3f, -4f, 12f, 0f, 0.5f};   // norm sqrt(169.25) ≈ 13.01
        try (Tensor t = Tensor.of(g.clone(), g.length)) {
            double before = GradientClipping.clipByGlobalNorm(t, 1.0);
            assertEquals(norm(g), before, 1e-5);
            float[] got = t.toArray();
            assertTrue(norm(got) <= 1.0, "norm after " + norm(got));
            assertEquals(1.0, norm(got), 1e-5);
            for (int i = 0; i < g.length; i++) assertEquals(g[i] / before, got[i], 1e-6, "element " + i);
        }
    }

    @Test void aGradientBelowTheMaximumIsLeftBitIdentical() {
        float[] g = {0.3f, -0.4f};   // norm 0.5
        try (Tensor t = Tensor.of(g.clone(), g.length)) {
            assertEquals(0.5, GradientClipping.clipByGlobalNorm(t, 1.0), 1e-6);
            assertArrayEquals(g, t.toArray());
        }
    }

    @Test void theMaximumMustBePositive() {
        try (Tensor t = Tensor.zeros(2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(t, 0));
            assertEquals("clipGradientNorm must be positive and finite, got 0.0", e.getMessage());
        }
    }
}

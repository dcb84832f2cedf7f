package io.github.conv4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparison |actual − expected| ≤ atol + rtol·|expected| (conformance README). */
public final class Tolerance {
    public static final Tolerance FORWARD = new Tolerance(1e-4, 1e-5);
    public static final Tolerance BACKWARD = new Tolerance(1e-3, 1e-4);
    public static final Tolerance EXACT = new Tolerance(0, 0);

    private final double rtol, atol;

    public Tolerance(double rtol, double atol) { this.rtol = rtol; this.atol = atol; }

    public void check(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        int bad = 0, first = -1;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs((double) actual[i] - expected[i]);
            double bound = atol + rtol * Math.abs(expected[i]);
            if (!(err <= bound) || Float.isNaN(actual[i]) != Float.isNaN(expected[i])) {
                if (first < 0) first = i;
                bad++;
                worst = Math.max(worst, err);
            }
        }
        if (bad > 0)
            fail(what + ": " + bad + " of " + expected.length + " elements out of tolerance (rtol " + rtol + ", atol " + atol
                    + "); first at " + first + ": expected " + expected[first] + ", got " + actual[first] + "; worst error " + worst);
    }
}

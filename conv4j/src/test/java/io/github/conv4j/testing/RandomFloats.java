package io.github.conv4j.testing;

import java.util.Random;

/** Random test inputs, drawn in one order everywhere so that a seed names the same values in every test. */
public final class RandomFloats {
    private RandomFloats() {}

    /** {@code size} standard normal values, the next ones of {@code r}. */
    public static float[] gaussian(Random r, long size) {
        float[] v = new float[Math.toIntExact(size)];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return v;
    }
}

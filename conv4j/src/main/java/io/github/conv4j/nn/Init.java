package io.github.conv4j.nn;

import io.github.conv4j.tensor.Tensor;
import java.util.SplittableRandom;

/** PyTorch's default initialisation, seeded: Kaiming-uniform weights and uniform biases. */
public final class Init {
    private Init() {}

    /**
     * Fills {@code t} with U(−1/√fanIn, 1/√fanIn): what {@code kaiming_uniform_(a=√5)} gives for
     * weights and what PyTorch uses for biases of Conv2d and Linear.
     */
    public static void uniformFanIn(Tensor t, long fanIn, SplittableRandom rng) {
        double bound = 1.0 / Math.sqrt(fanIn);
        // Through a small array, in order (the same draws): one array of the whole tensor (AlexNet's
        // 9216×4096 weight, 151 MB) grew the Java heap by that much, resident for the process's life.
        float[] v = new float[(int) Math.min(t.size(), CHUNK)];
        for (long at = 0; at < t.size(); at += v.length) {
            int len = (int) Math.min(v.length, t.size() - at);
            for (int i = 0; i < len; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            t.copyFrom(v, 0, at, len);
        }
    }

    /** Values drawn per copy into the tensor. */
    private static final int CHUNK = 1 << 16;
}

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
        t.fill(() -> (rng.nextDouble() * 2 - 1) * bound);   // in order: the same draws as one loop over t
    }
}

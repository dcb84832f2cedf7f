package io.github.conv4j.optim;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Tensor;

/**
 * Gradient clipping by global norm (PyTorch's {@code clip_grad_norm_}): the whole flat gradient
 * buffer is one vector, scaled down when its L2 norm exceeds a maximum, so its direction is kept
 * and one exploding layer cannot take an outsized step. One native reduction and one scaling.
 */
public final class GradientClipping {
    private GradientClipping() {}

    /**
     * Scales {@code gradients} in place by {@code maxNorm / (norm + 1e-6)} when their L2 norm
     * exceeds {@code maxNorm} (positive); returns the norm before clipping.
     */
    public static double clipByGlobalNorm(Tensor gradients, double maxNorm) {
        Require.positive("clipGradientNorm", maxNorm);
        return Conv4jNative.clipGradNorm(gradients.size(), gradients.pointer(), (float) maxNorm);
    }
}

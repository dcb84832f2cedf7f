package io.github.conv4j.nn;

import io.github.conv4j.tensor.Tensor;

/**
 * The runtime of one layer: forward and backward side by side, each one native call per layer
 * per step. Outputs and input gradients live in buffers the op owns and reuses (they stay valid
 * until the next call); nothing is allocated per step once the batch size has been seen.
 */
public interface Op extends AutoCloseable {
    /** Computes the output for batch {@code x}; remembers what backward needs. */
    Tensor forward(Tensor x, boolean training);

    /**
     * Accumulates parameter gradients and returns the input gradient, or {@code null} when
     * {@code needInputGradient} is false (the first layer).
     */
    Tensor backward(Tensor dy, boolean needInputGradient);

    /** Floats of shared scratch space this op needs at most (any batch size). */
    default long workspaceFloats() { return 0; }

    @Override void close();
}

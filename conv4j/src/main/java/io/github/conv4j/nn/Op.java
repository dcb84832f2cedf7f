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

    /**
     * Asks this op to apply max(0, ·) to its own output from now on, so that the ReLU layer after
     * it has nothing left to compute in forward (one pass over the activations saved); true if it
     * will. NaN must give 0, as {@link ReLU} does.
     */
    default boolean fuseReluForward() { return false; }

    /**
     * Tells this op that its input is a ReLU's output and asks it to pass no input gradient where
     * that input is not positive, so that the ReLU's backward has nothing left to compute; true if
     * it will.
     */
    default boolean fuseReluBackward() { return false; }

    /**
     * Tells this op which of its parameters are frozen ({@code frozen[i]} for the i-th of its
     * layer's {@link Layer#parameterShapes()}): from now on it computes no gradient for those,
     * leaving them as they are; true if it will, false if it computes them anyway (the model then
     * zeroes them after each backward). Called again with other values when the freezing changes.
     */
    default boolean freeze(boolean[] frozen) { return false; }

    /**
     * Frees the memory this op keeps between calls that a new forward writes again (outputs, input
     * gradients, indices saved for backward), so a model that is done training holds only what
     * it needs ({@link Model#releaseBuffers()}); the next calls allocate it again. A backward
     * then needs a forward first (the model refuses one without).
     */
    default void releaseBuffers() {}

    @Override void close();
}

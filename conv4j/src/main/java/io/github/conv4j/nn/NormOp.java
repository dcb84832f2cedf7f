package io.github.conv4j.nn;

import io.github.conv4j.tensor.Tensor;

/**
 * The op of a batch normalisation, as {@link Graph} fuses it with its neighbours (package-private:
 * the wiring is the graph's, not the API's). Its output is x·scale + shift per channel, the
 * {@link #affine()} of the last forward.
 */
interface NormOp extends PlannedOp {
    /**
     * Asks this op, which rectifies its own output ({@link #fuseReluForward()} accepted), to take
     * the ReLU's backward too: to pass no gradient where its output was not positive, finding that
     * from its input and the affine it saved (so no pass reads the output). True if it will.
     */
    boolean takeReluBackward();

    /**
     * From now on forward computes the statistics and the affine only and returns its input: its
     * only reader (an {@link Add}) applies {@link #affine()} as it reads it, so the normalised
     * output is never written. Backward is unchanged (it reads the input, not the output).
     */
    void deferNormalize();

    /** Scale and shift per channel (2 floats each) of the last forward. */
    Tensor affine();

    /** Floats per channel plane (H·W). */
    long planeSize();
}

package io.github.conv4j.nn;

import io.github.conv4j.tensor.Tensor;
import java.util.List;

/**
 * The runtime of a {@link MergeLayer}: one native call over the batch each way. Outputs and input
 * gradients live in buffers the op owns and reuses (valid until its next call).
 */
public interface MergeOp extends AutoCloseable {
    /** Computes the output of a batch of inputs (one tensor per input, equal batch sizes); remembers what backward needs. */
    Tensor forward(List<Tensor> inputs, boolean training);

    /**
     * The gradient of each input, in input order, for the output gradient {@code dy}. An entry
     * may be {@code dy} itself, or the same tensor for several inputs: the caller only reads them.
     */
    List<Tensor> backward(Tensor dy);

    /**
     * Asks this merge to apply max(0, ·) to its own output from now on, as
     * {@link Op#fuseReluForward()}; true if it will.
     */
    default boolean fuseReluForward() { return false; }

    @Override void close();
}

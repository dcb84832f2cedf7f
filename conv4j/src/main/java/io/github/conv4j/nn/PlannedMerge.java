package io.github.conv4j.nn;

/**
 * A merge that always returns its own output buffer, and says where backward puts each input's
 * gradient, so a {@link Graph} may share them ({@link PlannedOp}'s counterpart).
 */
interface PlannedMerge extends MergeOp {
    /** The buffer every forward writes and returns. */
    BatchBuffer outputBuffer();

    /**
     * The buffer backward writes input {@code k}'s gradient into (and returns a view of), or null
     * where it returns the dy it was given as that gradient (as an addition does for each input).
     */
    BatchBuffer inputGradientBuffer(int k);
}

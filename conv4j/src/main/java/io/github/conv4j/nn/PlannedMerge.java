package io.github.conv4j.nn;

/** A merge that always returns its own output buffer, which a {@link Graph} may share ({@link PlannedOp}'s counterpart). */
interface PlannedMerge extends MergeOp {
    /** The buffer every forward writes and returns. */
    BatchBuffer outputBuffer();

    /** Whether every gradient backward returns is the dy it was given (as an addition's). */
    boolean backwardPassesGradient();
}

package io.github.conv4j.nn;

/**
 * An op whose activation buffers a {@link Graph} may place in shared memory ({@link BufferPlan};
 * package-private, as {@link NormOp}). It says which of its results are its own buffers, so the
 * graph can tell how long each buffer's contents are read.
 */
interface PlannedOp extends Op {
    /** The buffer forward writes its output into. */
    BatchBuffer outputBuffer();

    /** The buffer backward writes its input gradient into. */
    BatchBuffer inputGradientBuffer();

    /** Whether forward returns {@link #outputBuffer()}'s view (else its input, as a fused ReLU does). */
    boolean forwardWritesOutput();

    /** Whether backward returns {@link #inputGradientBuffer()}'s view or null (else its dy, as a fused ReLU does). */
    boolean backwardWritesInputGradient();

    /** Its output and input gradient buffers' own memory (a shared slot's is freed by the graph's plan). */
    @Override default void releaseBuffers() {
        outputBuffer().close();
        inputGradientBuffer().close();
    }
}

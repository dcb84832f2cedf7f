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

    /**
     * Asks this op to max-pool its own output with {@code pool}, the op right after it (or after a
     * ReLU it rectifies itself), chunk by chunk as it computes it, so that its whole output is never
     * written to memory and read back; true if it will. Its forward then returns its output buffer
     * unwritten (the shape the ops between expect), and {@code pool}'s forward hands on what this
     * op pooled. The pooled output and argmax, and so the backward, are bit for bit as unfused.
     */
    default boolean fusePoolForward(MaxPool2d.Runtime pool) { return false; }
}

package io.github.conv4j.train;

/** Training stopped because the loss or a gradient became NaN or infinite. */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception saying where training diverged. */
    public TrainingDivergedException(String message) { super(message); }
}

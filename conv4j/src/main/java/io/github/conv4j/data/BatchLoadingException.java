package io.github.conv4j.data;

/**
 * A background loader thread failed while preparing a batch (its exception is the cause); thrown
 * by {@link Batches#next()} in the training thread, so that the failure is met where the batches
 * are consumed rather than lost in a worker.
 */
public final class BatchLoadingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}, caused by {@code cause}. */
    public BatchLoadingException(String message, Throwable cause) { super(message, cause); }
}

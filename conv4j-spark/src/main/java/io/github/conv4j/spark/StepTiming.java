package io.github.conv4j.spark;

/**
 * Where one synchronous step's (or local-SGD round's) time went. {@code compute} is the slowest partition's forward and
 * backward (the step's critical path on the executors); {@code update} the driver's optimiser step
 * and parameter copy; {@code communication} the rest of the wall time: broadcasting the
 * parameters, scheduling the tasks, serialising and tree-aggregating the gradients.
 *
 * @param step               the step's first batch of the plan, 0-based (the step itself when synchronous)
 * @param wallNanos          the whole step as the driver saw it
 * @param computeNanos       the slowest partition's gradient computation
 * @param updateNanos        the driver's optimiser update
 * @param samples            samples the step used (every batch of the round with local SGD)
 * @param meanLoss           the mean training loss over those samples, each seen before its update
 * @param accuracy           the fraction of those samples predicted right, likewise
 */
public record StepTiming(long step, long wallNanos, long computeNanos, long updateNanos, long samples, double meanLoss, double accuracy) {
    /** Broadcast, scheduling and aggregation: the wall time neither computing nor updating. */
    public long communicationNanos() { return Math.max(0, wallNanos - computeNanos - updateNanos); }
}

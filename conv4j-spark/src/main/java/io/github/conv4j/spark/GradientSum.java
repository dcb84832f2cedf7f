package io.github.conv4j.spark;

import java.io.Serializable;

/**
 * What {@code treeAggregate} adds up: the flat gradient summed over samples (not averaged, so that
 * partial sums add), how many samples that is, their summed loss and correct predictions, and the
 * slowest partition's compute time (the step's critical path). The empty sum, the aggregate's
 * zero, carries no array so that Spark does not ship a parameter-sized zero to every task.
 */
final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;
    private float[] gradient;   // null while empty
    private long samples, correct;
    private double loss;
    private long slowestComputeNanos;

    /** The empty sum. */
    GradientSum() {}

    /** One partition's contribution. */
    GradientSum(float[] gradient, long samples, double loss, long correct, long computeNanos) {
        this.gradient = gradient;
        this.samples = samples;
        this.loss = loss;
        this.correct = correct;
        this.slowestComputeNanos = computeNanos;
    }

    /** Adds {@code other} into this sum (reusing this one's array) and returns this. */
    GradientSum add(GradientSum other) {
        if (other.gradient != null) {
            if (gradient == null) gradient = other.gradient.clone();
            else {
                if (gradient.length != other.gradient.length)
                    throw new IllegalStateException("gradients of " + gradient.length + " and " + other.gradient.length + " values");
                for (int i = 0; i < gradient.length; i++) gradient[i] += other.gradient[i];
            }
        }
        samples += other.samples;
        loss += other.loss;
        correct += other.correct;
        slowestComputeNanos = Math.max(slowestComputeNanos, other.slowestComputeNanos);
        return this;
    }

    /** The summed gradient, or null when no sample contributed. */
    float[] gradient() { return gradient; }

    /** Samples summed. */
    long samples() { return samples; }

    /** Summed loss. */
    double loss() { return loss; }

    /** Summed correct predictions. */
    long correct() { return correct; }

    /** The slowest contributing partition's compute time. */
    long slowestComputeNanos() { return slowestComputeNanos; }
}

package io.github.conv4j.spark;

import java.io.Serializable;

/**
 * What {@code treeAggregate} adds up: the flat gradient summed over samples (not averaged, so that
 * partial sums add), for models with running statistics the partitions' updated statistics each
 * weighted by its samples (so the driver's quotient is their sample-weighted mean), how many
 * samples that is, their summed loss and correct predictions, and the slowest partition's compute
 * time (the step's critical path). The empty sum, the aggregate's zero, carries no array so that
 * Spark does not ship a parameter-sized zero to every task.
 */
final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;
    private float[] gradient;   // null while empty
    private float[] state;      // null while empty or for models without running statistics
    private long samples, correct;
    private double loss;
    private long slowestComputeNanos;

    /** The empty sum. */
    GradientSum() {}

    /** One partition's contribution: {@code gradient} and {@code state} already multiplied by {@code samples}. */
    GradientSum(float[] gradient, float[] state, long samples, double loss, long correct, long computeNanos) {
        this.gradient = gradient;
        this.state = state;
        this.samples = samples;
        this.loss = loss;
        this.correct = correct;
        this.slowestComputeNanos = computeNanos;
    }

    /** Adds {@code other} into this sum (reusing this one's array) and returns this. */
    GradientSum add(GradientSum other) {
        gradient = sum(gradient, other.gradient, "gradients");
        state = sum(state, other.state, "running statistics");
        samples += other.samples;
        loss += other.loss;
        correct += other.correct;
        slowestComputeNanos = Math.max(slowestComputeNanos, other.slowestComputeNanos);
        return this;
    }

    /** {@code into + more}, into {@code into}'s array when there is one (a copy of {@code more} otherwise); null when both are. */
    private static float[] sum(float[] into, float[] more, String what) {
        if (more == null) return into;
        if (into == null) return more.clone();
        if (into.length != more.length) throw new IllegalStateException(what + " of " + into.length + " and " + more.length + " values");
        for (int i = 0; i < into.length; i++) into[i] += more[i];
        return into;
    }

    /** The summed gradient, or null when no sample contributed. */
    float[] gradient() { return gradient; }

    /** The running statistics summed with sample weights, or null when no sample contributed or the model has none. */
    float[] state() { return state; }

    /** Samples summed. */
    long samples() { return samples; }

    /** Summed loss. */
    double loss() { return loss; }

    /** Summed correct predictions. */
    long correct() { return correct; }

    /** The slowest contributing partition's compute time. */
    long slowestComputeNanos() { return slowestComputeNanos; }
}

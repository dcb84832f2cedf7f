package io.github.conv4j.spark;

import io.github.conv4j.data.Normalization;
import io.github.conv4j.optim.OptimizerConfig;
import io.github.conv4j.optim.SgdConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The settings of a {@link SparkTrainer} run, an immutable value with named options (each returns
 * a changed copy): the optimiser (applied on the driver only), the global batch (summed over all
 * partitions), how long to train (epochs or steps), the seed of the batch plan and of the
 * initial parameters, the input normalisation, and an optional driver-side checkpoint.
 * <pre>{@code new SparkTrainingConfig().optimizer(new SgdConfig().learningRate(0.05).momentum(0.9)).globalBatch(128).epochs(3)}</pre>
 */
public final class SparkTrainingConfig {
    private final OptimizerConfig optimizer;
    private final int globalBatch;
    private final int epochs;
    private final long steps;   // > 0 overrides epochs
    private final long seed;
    private final Normalization normalization;
    private final Path checkpoint;
    private final int checkpointEvery;
    private final int localSteps;   // 0: synchronous gradient steps
    private final double localLearningRate;

    /** SGD (learning rate 0.01), a global batch of 64, one epoch, seed 42, no normalisation, no checkpoint. */
    public SparkTrainingConfig() { this(new SgdConfig().learningRate(0.01), 64, 1, 0, 42, Normalization.NONE, null, 0, 0, 0); }

    private SparkTrainingConfig(OptimizerConfig optimizer, int globalBatch, int epochs, long steps, long seed,
                                Normalization normalization, Path checkpoint, int checkpointEvery, int localSteps, double localLearningRate) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        if (globalBatch <= 0) throw new IllegalArgumentException("global batch must be positive, got " + globalBatch);
        if (epochs <= 0) throw new IllegalArgumentException("epochs must be positive, got " + epochs);
        if (steps < 0) throw new IllegalArgumentException("steps must be non-negative, got " + steps);
        if (checkpoint != null && checkpointEvery <= 0) throw new IllegalArgumentException("checkpoint interval must be positive, got " + checkpointEvery);
        this.globalBatch = globalBatch;
        this.epochs = epochs;
        this.steps = steps;
        this.seed = seed;
        this.normalization = Objects.requireNonNull(normalization, "normalization");
        this.checkpoint = checkpoint;
        this.checkpointEvery = checkpointEvery;
        if (localSteps < 0) throw new IllegalArgumentException("local steps must be non-negative, got " + localSteps);
        if (localSteps > 0 && !(localLearningRate > 0 && Double.isFinite(localLearningRate)))
            throw new IllegalArgumentException("the local learning rate must be positive and finite, got " + localLearningRate);
        this.localSteps = localSteps;
        this.localLearningRate = localLearningRate;
    }

    /** With this optimiser; its state stays on the driver. */
    public SparkTrainingConfig optimizer(OptimizerConfig o) { return new SparkTrainingConfig(o, globalBatch, epochs, steps, seed, normalization, checkpoint, checkpointEvery, localSteps, localLearningRate); }

    /** With {@code n} samples per step, over all partitions together. */
    public SparkTrainingConfig globalBatch(int n) { return new SparkTrainingConfig(optimizer, n, epochs, steps, seed, normalization, checkpoint, checkpointEvery, localSteps, localLearningRate); }

    /** Training for {@code n} epochs (unless {@link #steps(long)} is set). */
    public SparkTrainingConfig epochs(int n) { return new SparkTrainingConfig(optimizer, globalBatch, n, 0, seed, normalization, checkpoint, checkpointEvery, localSteps, localLearningRate); }

    /** Training for exactly {@code n} optimiser steps in total, whatever the epochs. */
    public SparkTrainingConfig steps(long n) {
        if (n <= 0) throw new IllegalArgumentException("steps must be positive, got " + n);
        return new SparkTrainingConfig(optimizer, globalBatch, epochs, n, seed, normalization, checkpoint, checkpointEvery, localSteps, localLearningRate);
    }

    /** With this seed for the initial parameters and every step's sample choice. */
    public SparkTrainingConfig seed(long s) { return new SparkTrainingConfig(optimizer, globalBatch, epochs, steps, s, normalization, checkpoint, checkpointEvery, localSteps, localLearningRate); }

    /** With this input standardisation (e.g. {@link Normalization#FASHION_MNIST}). */
    public SparkTrainingConfig normalization(Normalization n) { return new SparkTrainingConfig(optimizer, globalBatch, epochs, steps, seed, n, checkpoint, checkpointEvery, localSteps, localLearningRate); }

    /** Saving a resumable checkpoint (parameters and optimiser state, atomically) to {@code path} on the driver every {@code everySteps} steps and at the end; an existing one is resumed from. */
    public SparkTrainingConfig checkpoint(Path path, int everySteps) {
        return new SparkTrainingConfig(optimizer, globalBatch, epochs, steps, seed, normalization, Objects.requireNonNull(path, "path"), everySteps, localSteps, localLearningRate);
    }

    /**
     * Local SGD instead of a synchronous step: each round, every partition takes {@code steps}
     * plain SGD steps of {@code learningRate} on its own shares, and the driver hands how far the
     * sample-weighted average model moved to {@link #optimizer(OptimizerConfig)} as its gradient
     * (an outer SGD of learning rate 1 without momentum makes the new parameters that average).
     * One broadcast and one aggregate per {@code steps} batches; a plan step still means one
     * global batch, so {@link #steps(long)}, {@link #epochs(int)} and checkpoint intervals count
     * batches. {@code steps} = 1 with an outer SGD of rate 1 is synchronous SGD of rate {@code learningRate}.
     */
    public SparkTrainingConfig localSgd(int steps, double learningRate) {
        if (steps <= 0) throw new IllegalArgumentException("local steps must be positive, got " + steps);
        return new SparkTrainingConfig(optimizer, globalBatch, epochs, this.steps, seed, normalization, checkpoint, checkpointEvery, steps, learningRate);
    }

    /** The optimiser configuration. */
    public OptimizerConfig optimizer() { return optimizer; }
    /** Samples per step over all partitions. */
    public int globalBatch() { return globalBatch; }
    /** Epochs to train when no step count is set. */
    public int epochs() { return epochs; }
    /** The total step count set by {@link #steps(long)}, or 0 to train for {@link #epochs()}. */
    public long steps() { return steps; }
    /** The seed. */
    public long seed() { return seed; }
    /** The input normalisation. */
    public Normalization normalization() { return normalization; }
    /** The checkpoint path, or null for none. */
    public Path checkpoint() { return checkpoint; }
    /** Steps between checkpoints (0 without a checkpoint). */
    public int checkpointEvery() { return checkpointEvery; }
    /** Batches per local-SGD round, or 0 for synchronous gradient steps. */
    public int localSteps() { return localSteps; }
    /** The learning rate of the partitions' local SGD (0 when synchronous). */
    public double localLearningRate() { return localLearningRate; }
}

package io.github.conv4j.spark;

import io.github.conv4j.data.Normalization;
import io.github.conv4j.optim.LrSchedule;
import io.github.conv4j.optim.OptimizerConfig;
import io.github.conv4j.optim.SgdConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a {@link SparkTrainer} run, an immutable value with named options (each returns
 * a changed copy): the optimiser and its learning-rate schedule (applied on the driver only), the
 * global batch (summed over all partitions), how long to train (epochs or steps), the seed of the
 * batch plan and of the initial parameters, the input normalisation and class names the model
 * records, an optional driver-side checkpoint, and what to do at the end of each epoch.
 * <pre>{@code new SparkTrainingConfig().optimizer(new SgdConfig().learningRate(0.05).momentum(0.9)).globalBatch(128).epochs(3)}</pre>
 * None of it travels to the executors: the driver turns it into the serialisable values a task needs.
 */
public final class SparkTrainingConfig {
    private OptimizerConfig optimizer = new SgdConfig().learningRate(0.01);
    private LrSchedule schedule = LrSchedule.constant();
    private int globalBatch = 64;
    private int epochs = 1;
    private long steps;   // > 0 overrides epochs
    private long seed = 42;
    private Normalization normalization = Normalization.NONE;
    private List<String> classNames;   // null: "0", "1", ...
    private Path checkpoint;
    private int checkpointEvery;
    private int localSteps;   // 0: synchronous gradient steps
    private double localLearningRate;
    private SparkEpochListener onEpoch = (epoch, model, epochSteps) -> { };

    /** SGD (learning rate 0.01, constant), a global batch of 64, one epoch, seed 42, no normalisation, no checkpoint. */
    public SparkTrainingConfig() {}

    private SparkTrainingConfig copy() {
        SparkTrainingConfig c = new SparkTrainingConfig();
        c.optimizer = optimizer; c.schedule = schedule; c.globalBatch = globalBatch; c.epochs = epochs; c.steps = steps; c.seed = seed;
        c.normalization = normalization; c.classNames = classNames; c.checkpoint = checkpoint; c.checkpointEvery = checkpointEvery;
        c.localSteps = localSteps; c.localLearningRate = localLearningRate; c.onEpoch = onEpoch;
        return c;
    }

    /** With this optimiser; its state stays on the driver. */
    public SparkTrainingConfig optimizer(OptimizerConfig o) { SparkTrainingConfig c = copy(); c.optimizer = Objects.requireNonNull(o, "optimizer"); return c; }

    /**
     * With this learning-rate schedule, evaluated as the plain {@code Trainer} does: at global step
     * s (one global batch, from 0) of an epoch of {@code stepsPerEpoch} global batches, the rate is
     * {@code schedule.at(base, s, stepsPerEpoch)}. Synchronously it sets the optimiser's rate before
     * each step (base: the optimiser's configured rate); with {@link #localSgd} it sets the
     * partitions' rate at each of their local steps (base: the local rate), and the outer optimiser
     * keeps its own.
     */
    public SparkTrainingConfig schedule(LrSchedule s) { SparkTrainingConfig c = copy(); c.schedule = Objects.requireNonNull(s, "schedule"); return c; }

    /** With {@code n} samples per step, over all partitions together. */
    public SparkTrainingConfig globalBatch(int n) {
        if (n <= 0) throw new IllegalArgumentException("global batch must be positive, got " + n);
        SparkTrainingConfig c = copy(); c.globalBatch = n; return c;
    }

    /** Training for {@code n} epochs (unless {@link #steps(long)} is set). */
    public SparkTrainingConfig epochs(int n) {
        if (n <= 0) throw new IllegalArgumentException("epochs must be positive, got " + n);
        SparkTrainingConfig c = copy(); c.epochs = n; c.steps = 0; return c;
    }

    /** Training for exactly {@code n} optimiser steps in total, whatever the epochs. */
    public SparkTrainingConfig steps(long n) {
        if (n <= 0) throw new IllegalArgumentException("steps must be positive, got " + n);
        SparkTrainingConfig c = copy(); c.steps = n; return c;
    }

    /** With this seed for the initial parameters and every step's sample choice. */
    public SparkTrainingConfig seed(long s) { SparkTrainingConfig c = copy(); c.seed = s; return c; }

    /** With this input standardisation (e.g. {@link Normalization#FASHION_MNIST}). */
    public SparkTrainingConfig normalization(Normalization n) {
        SparkTrainingConfig c = copy(); c.normalization = Objects.requireNonNull(n, "normalization"); return c;
    }

    /** With these class names recorded in the model (one per class, in label order); by default "0", "1", .... */
    public SparkTrainingConfig classNames(List<String> names) { SparkTrainingConfig c = copy(); c.classNames = List.copyOf(names); return c; }

    /** Saving a resumable checkpoint (parameters, running statistics and optimiser state, atomically) to {@code path} on the driver every {@code everySteps} steps and at the end; an existing one is resumed from. */
    public SparkTrainingConfig checkpoint(Path path, int everySteps) {
        if (everySteps <= 0) throw new IllegalArgumentException("checkpoint interval must be positive, got " + everySteps);
        SparkTrainingConfig c = copy(); c.checkpoint = Objects.requireNonNull(path, "path"); c.checkpointEvery = everySteps; return c;
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
        if (!(learningRate > 0 && Double.isFinite(learningRate)))
            throw new IllegalArgumentException("the local learning rate must be positive and finite, got " + learningRate);
        SparkTrainingConfig c = copy(); c.localSteps = steps; c.localLearningRate = learningRate; return c;
    }

    /** Calling {@code listener} on the driver after the last step of each epoch (e.g. to evaluate the model). */
    public SparkTrainingConfig onEpoch(SparkEpochListener listener) { SparkTrainingConfig c = copy(); c.onEpoch = Objects.requireNonNull(listener, "listener"); return c; }

    /** The optimiser configuration. */
    public OptimizerConfig optimizer() { return optimizer; }
    /** The learning-rate schedule. */
    public LrSchedule schedule() { return schedule; }
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
    /** The class names the model records, or null for "0", "1", .... */
    public List<String> classNames() { return classNames; }
    /** The checkpoint path, or null for none. */
    public Path checkpoint() { return checkpoint; }
    /** Steps between checkpoints (0 without a checkpoint). */
    public int checkpointEvery() { return checkpointEvery; }
    /** Batches per local-SGD round, or 0 for synchronous gradient steps. */
    public int localSteps() { return localSteps; }
    /** The learning rate of the partitions' local SGD (0 when synchronous). */
    public double localLearningRate() { return localLearningRate; }
    /** What runs at the end of each epoch. */
    public SparkEpochListener epochListener() { return onEpoch; }
}

package io.github.conv4j.optim;

import io.github.conv4j.tensor.Tensor;
import java.util.List;

/**
 * Updates a model's flat parameter buffer from its flat gradient buffer: one native call per step,
 * whatever the number of layers. Layers never update themselves.
 */
public interface Optimizer extends AutoCloseable {
    /** Applies one update with the current learning rate. */
    void step();

    /** The learning rate of the next step (the configured one, or what a schedule last set). */
    double learningRate();

    /** Sets the learning rate for the next steps (schedules call this). */
    void setLearningRate(double lr);

    /** Steps taken so far. */
    long steps();

    /** Restores the step count (after loading {@link #state()} from a checkpoint). */
    void setSteps(long steps);

    /** The optimiser's buffers (momentum, moments), saved in checkpoints so a resumed run continues exactly. */
    List<Tensor> state();

    /** A name for reports, e.g. {@code sgd(momentum 0.9)}. */
    String describe();

    /** Frees the off-heap state. */
    @Override void close();
}

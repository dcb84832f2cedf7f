package io.github.conv4j.spark;

import io.github.conv4j.nn.Model;
import java.util.List;

/**
 * The outcome of {@link SparkTrainer#fit}: the trained model on the driver (the caller owns and
 * closes it) and the timing of every step this run took (not those before a resumed checkpoint).
 *
 * @param model the trained model
 * @param steps the steps this run took, in order
 */
public record SparkTrainingResult(Model model, List<StepTiming> steps) implements AutoCloseable {
    /** Copies the step list. */
    public SparkTrainingResult { steps = List.copyOf(steps); }

    /** Closes the model. */
    @Override public void close() { model.close(); }
}

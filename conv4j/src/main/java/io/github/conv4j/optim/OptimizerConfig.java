package io.github.conv4j.optim;

import io.github.conv4j.nn.Model;

/**
 * An optimiser's hyperparameters, separate from the optimiser itself: the configuration is a small
 * immutable value (share it, derive variants with its named options, keep it in a field), while
 * {@link #create} allocates the off-heap state (velocity, moments) that belongs to one model and
 * must be closed with it.
 */
public interface OptimizerConfig {
    /** A new optimiser with these hyperparameters over {@code model}'s parameters; close it before the model. */
    Optimizer create(Model model);
}

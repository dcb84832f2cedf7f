package io.github.conv4j.optim;

/**
 * A learning rate as a function of progress. {@code step} counts optimiser steps from 0 and
 * {@code stepsPerEpoch} converts it to (fractional) epochs.
 */
@FunctionalInterface
public interface LrSchedule {
    /** The learning rate at optimiser step {@code step} (from 0) of a run starting at {@code baseLr}. */
    double at(double baseLr, long step, int stepsPerEpoch);

    /** The base rate throughout. */
    static LrSchedule constant() { return (base, step, perEpoch) -> base; }

    /** Multiplies the rate by {@code gamma} every {@code epochs} epochs (PyTorch's StepLR). */
    static LrSchedule step(int epochs, double gamma) {
        if (epochs <= 0 || !(gamma > 0)) throw new IllegalArgumentException("step schedule needs epochs > 0 and gamma > 0");
        return (base, step, perEpoch) -> base * Math.pow(gamma, Math.floor((double) step / perEpoch / epochs));
    }

    /** Cosine annealing from the base rate to {@code minLr} over {@code epochs} epochs, per step. */
    static LrSchedule cosine(int epochs, double minLr) {
        if (epochs <= 0) throw new IllegalArgumentException("cosine schedule needs epochs > 0");
        return (base, step, perEpoch) -> {
            double t = Math.min(1.0, (double) step / ((double) perEpoch * epochs));
            return minLr + (base - minLr) * 0.5 * (1 + Math.cos(Math.PI * t));
        };
    }

    /** Linear warm-up from 0 over {@code steps} steps, then this schedule. */
    default LrSchedule withWarmup(long steps) {
        if (steps < 0) throw new IllegalArgumentException("warm-up steps must be non-negative");
        LrSchedule after = this;
        return (base, step, perEpoch) -> step < steps ? base * (step + 1) / steps : after.at(base, step, perEpoch);
    }
}

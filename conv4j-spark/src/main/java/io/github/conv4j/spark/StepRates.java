package io.github.conv4j.spark;

import io.github.conv4j.optim.LrSchedule;

/**
 * A learning-rate schedule read per global step, as the plain {@code Trainer} reads it: the rate
 * of global batch {@code s} is {@code schedule.at(base, s, stepsPerEpoch)}, whether one optimiser
 * step takes it (synchronous) or a partition's local step (local SGD).
 */
final class StepRates {
    private final LrSchedule schedule;
    private final double base;
    private final int stepsPerEpoch;

    StepRates(LrSchedule schedule, double base, int stepsPerEpoch) {
        this.schedule = schedule;
        this.base = base;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    /** The rate at global step {@code step} (from 0). */
    double at(long step) { return schedule.at(base, step, stepsPerEpoch); }

    /** The rates of the {@code count} global steps from {@code first}. */
    double[] from(long first, int count) {
        double[] rates = new double[count];
        for (int h = 0; h < count; h++) rates[h] = at(first + h);
        return rates;
    }
}

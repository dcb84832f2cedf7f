package io.github.conv4j.optim;

/** Checks of optimiser options; each message names the option as its method is called and the value. */
final class Require {
    private Require() {}

    static double positive(String option, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(option + " must be positive and finite, got " + v);
        return v;
    }

    static double nonNegative(String option, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(option + " must be non-negative and finite, got " + v);
        return v;
    }

    /** In [0, 1): a decay rate whose running average still forgets. */
    static double fraction(String option, double v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(option + " must be in [0, 1), got " + v);
        return v;
    }
}

package io.github.conv4j.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Range checks of numeric flags. They fail as picocli's own usage errors do (the message, the
 * usage, exit code 2), naming the flag and the value, before any data is loaded.
 */
final class Flags {
    private Flags() {}

    static void positive(CommandSpec spec, String flag, long value) {
        if (value <= 0) throw usage(spec, flag + " must be positive, got " + value);
    }

    static void notNegative(CommandSpec spec, String flag, long value) {
        if (value < 0) throw usage(spec, flag + " must be 0 or more, got " + value);
    }

    static void positive(CommandSpec spec, String flag, double value) {
        if (!(value > 0) || Double.isInfinite(value)) throw usage(spec, flag + " must be a positive number, got " + value);
    }

    static void notNegative(CommandSpec spec, String flag, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) throw usage(spec, flag + " must be a number 0 or more, got " + value);
    }

    static void finite(CommandSpec spec, String flag, double value) {
        if (!Double.isFinite(value)) throw usage(spec, flag + " must be a finite number, got " + value);
    }

    /** {@code lo <= value < hi}. */
    static void inRange(CommandSpec spec, String flag, double value, double lo, double hi) {
        if (!(value >= lo && value < hi)) throw usage(spec, flag + " must be in [" + lo + ", " + hi + "), got " + value);
    }

    private static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}

package io.github.conv4j.cli;

import io.github.conv4j.data.Dataset;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code --class-weights}: one weight per class for the training loss, comma-separated
 * ({@code 1,1,2.5,…}), or {@code auto}: the inverse class frequency of the images trained on,
 * {@code n / (classes · count)} (scikit-learn's "balanced": a balanced set gets all 1s), 0 for a
 * class no training image has. Given weights must be as many as the classes, finite and 0 or
 * more, and not all 0; the syntax is checked before any data is read, the count once it is.
 */
final class ClassWeightsFlag {
    /** The value that asks for inverse class frequencies. */
    static final String AUTO = "auto";

    private ClassWeightsFlag() {}

    /** {@code value}'s weights, or null for {@code auto}; a usage error names a weight that is not a finite number 0 or more. */
    static float[] parse(CommandSpec spec, String value) {
        if (value.strip().equals(AUTO)) return null;
        String[] parts = value.split(",", -1);
        float[] w = new float[parts.length];
        boolean anyPositive = false;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            try {
                w[i] = Float.parseFloat(p);
            } catch (NumberFormatException e) {
                throw usage(spec, "weight " + (i + 1) + " '" + p + "' is not a number (give W1,W2,… or auto)");
            }
            if (!(w[i] >= 0) || Float.isInfinite(w[i])) throw usage(spec, "weight " + (i + 1) + " must be finite and 0 or more, got " + p);
            anyPositive |= w[i] > 0;
        }
        if (!anyPositive) throw usage(spec, "the weights are all 0: no image would count in the loss");
        return w;
    }

    /** The weights for {@code train}: {@code given} (checked against its class count), or for null its inverse class frequencies. */
    static float[] forData(CommandSpec spec, float[] given, Dataset train) {
        int classes = train.classes();
        if (given != null) {
            if (given.length != classes)
                throw usage(spec, given.length + (given.length == 1 ? " weight" : " weights") + " for the data's " + classes + " classes");
            return given;
        }
        long[] counts = new long[classes];
        for (int i = 0; i < train.size(); i++) counts[train.label(i)]++;
        float[] w = new float[classes];
        for (int c = 0; c < classes; c++) w[c] = counts[c] == 0 ? 0f : (float) ((double) train.size() / ((double) classes * counts[c]));
        return w;
    }

    private static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), "--class-weights: " + message);
    }
}

package io.github.conv4j.cli;

import io.github.conv4j.data.Normalization;
import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The preprocessing a model file should carry when its source does not say: {@code --mean},
 * {@code --std} and {@code --classes}, as {@code import} takes them for an ONNX file without
 * conv4j's metadata_props (a PyTorch export, for one).
 */
final class PreprocessingOptions {
    @Option(names = "--mean", split = ",", paramLabel = "M",
            description = "Per-channel mean subtracted from the [0, 1] pixels, comma-separated; one value is used for every "
                    + "channel (default: 0 when --std or --classes is given, else none).")
    float[] mean;

    @Option(names = "--std", split = ",", paramLabel = "S",
            description = "Per-channel standard deviation dividing the pixels, comma-separated, positive; one value is used "
                    + "for every channel (default: 1 when --mean or --classes is given, else none).")
    float[] std;

    @Option(names = "--classes", paramLabel = "FILE|A,B,...",
            description = "Class names: a file of one name a line, or a comma-separated list (default: 0, 1, ... as many as "
                    + "the model's outputs).")
    String classes;

    /** True when none of the options is given. */
    boolean absent() {
        return mean == null && std == null && classes == null;
    }

    /** Checks the numbers as picocli checks the flags' syntax: before any file is read. */
    void validate(CommandSpec spec) {
        if (mean != null) {
            for (float m : mean) Flags.finite(spec, "--mean", m);
        }
        if (std != null) {
            for (float s : std) Flags.positive(spec, "--std", s);
        }
    }

    /**
     * The preprocessing of the options for a model of these shapes, empty when none is given.
     *
     * @throws IllegalArgumentException if the values do not fit the model, naming the option
     * @throws IOException if the class file cannot be read
     */
    Optional<Preprocessing> toPreprocessing(Shape sampleInput, Shape sampleOutput) throws IOException {
        if (absent()) return Optional.empty();
        int channels = sampleInput.rank() == 3 ? sampleInput.dim(0) : 1;
        List<String> names = classes == null
                ? Preprocessing.numberedClasses(sampleOutput.rank() == 1 ? sampleOutput.dim(0) : 1)
                : classNames(classes);
        Normalization norm = Normalization.perChannel(perChannel("--mean", mean, channels, 0f),
                perChannel("--std", std, channels, 1f));
        return Optional.of(Preprocessing.of(norm, channels, names));
    }

    /** The values for each channel: the given ones, one repeated, or {@code fallback} when none. */
    private static float[] perChannel(String flag, float[] values, int channels, float fallback) {
        float[] result = new float[channels];
        if (values == null) {
            Arrays.fill(result, fallback);
        } else if (values.length == 1) {
            Arrays.fill(result, values[0]);
        } else if (values.length == channels) {
            result = values.clone();
        } else {
            throw new IllegalArgumentException(flag + " has " + values.length + " values, the model's input has "
                    + channels + " channels");
        }
        return result;
    }

    /** One name a line from an existing file (blank lines skipped), else the comma-separated list itself. */
    private static List<String> classNames(String value) throws IOException {
        Path file = Path.of(value);
        List<String> names = Files.isRegularFile(file)
                ? Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList()
                : Arrays.stream(value.split(",")).map(String::strip).toList();
        if (names.isEmpty() || names.contains("")) {
            throw new IllegalArgumentException("--classes '" + value + "' has an empty class name");
        }
        return names;
    }
}

package io.github.conv4j.cli;

import io.github.conv4j.onnx.OnnxImportOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code --input-shape C,H,W}: the sizes after the batch of an ONNX file's input where the file
 * leaves them open (PyTorch's {@code dynamic_axes} on H and W, or no sizes at all), as
 * {@code import} and {@code infer} take them. The syntax and the values are checked before any
 * file is read; that they are as many as the input's axes after the batch and agree with the sizes
 * the file fixes, at the import.
 */
final class InputShapeFlag {
    static final String NAME = "--input-shape";

    private InputShapeFlag() {}

    /** The import options of {@code value}: its shape, or none for null; a usage error names the flag, the value and the size at fault. */
    static OnnxImportOptions parse(CommandSpec spec, String value) {
        if (value == null) return OnnxImportOptions.defaults();
        String[] parts = value.split(",", -1);
        long[] dims = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                dims[i] = Long.parseLong(parts[i].strip());
            } catch (NumberFormatException e) {
                throw usage(spec, NAME + " " + value + ": size " + (i + 1) + " '" + parts[i].strip()
                        + "' is not an integer (give C,H,W, such as 3,224,224)");
            }
        }
        try {
            return OnnxImportOptions.defaults().inputShape(dims);
        } catch (IllegalArgumentException e) {
            throw usage(spec, NAME + ": " + e.getMessage());   // the message names the value
        }
    }

    private static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}

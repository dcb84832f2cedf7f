package io.github.conv4j.cli;

import io.github.conv4j.nn.KernelChooser;
import io.github.conv4j.nn.KernelChooser.Choice;
import java.util.LinkedHashMap;
import java.util.Map;

/** The convolution paths auto mode chose so far in this process, printed as a table and returned for a JSON report. */
final class ConvKernelsReport {
    private ConvKernelsReport() {}

    /** Prints one line per timed convolution shape (nothing in the forced modes); returns shape → "fwd/dW/dX". */
    static Map<String, String> print() {
        Map<String, String> out = new LinkedHashMap<>();
        Map<Object, Choice> choices = KernelChooser.shared().choices();
        if (choices.isEmpty()) return out;
        System.out.printf("%-44s %-27s %s%n", "convolution (per worker's chunk)", "kernels fwd/dW/dX", "trial µs fast | portable");
        choices.forEach((shape, c) -> {
            out.put(shape.toString(), c.describe());
            System.out.printf("%-44s %-27s %s | %s%n", shape, c.describe(), c.fastMicros(), c.portableMicros());
        });
        return out;
    }
}

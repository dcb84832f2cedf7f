package io.github.conv4j.cli;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.nn.KernelChooser;
import io.github.conv4j.nn.KernelChooser.Choice;
import java.util.LinkedHashMap;
import java.util.Map;

/** The convolution paths auto mode chose so far in this process, printed as a table and returned for a JSON report. */
final class ConvKernelsReport {
    private ConvKernelsReport() {}

    /**
     * Which kernels the convolutions run, for the reports: "auto (the default: ...)" unless
     * {@code -Dconv4j.kernels} forced a path, or the portable path where the fast one cannot run.
     */
    static String mode() {
        if (Conv4jNative.fastKernels() == 0) return "portable (C + OpenBLAS)";
        String fast = Conv4jNative.avx512Kernels() == 1 ? "AVX-512" : "AVX2/FMA";
        return switch (KernelChooser.shared().mode()) {
            case FAST -> "fast (" + fast + ", forced by -Dconv4j.kernels=fast)";
            case PORTABLE -> "portable (C + OpenBLAS, forced by -Dconv4j.kernels=portable)";
            case AUTO -> (System.getProperty("conv4j.kernels") == null ? "auto (the default: " : "auto (")
                    + "each convolution product timed on the fast " + fast + " path and on OpenBLAS, the faster kept; see below)";
        };
    }

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

package io.github.conv4j.nn;

import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.tensor.Shape;

/** Whether a {@link Preprocessing} fits a model's input and output, shared by every {@link Model}. */
final class PreprocessingCheck {
    private PreprocessingCheck() {}

    /**
     * Its channel count must match the input's (the first dimension of a C×H×W input), and with a
     * 1-D output its class names must be as many as the outputs.
     */
    static void require(Preprocessing p, Shape sampleInput, Shape sampleOutput) {
        if (p == null) return;
        int channels = sampleInput.rank() == 3 ? sampleInput.dim(0) : 1;
        if (p.channels() != channels)
            throw new IllegalArgumentException("preprocessing for " + p.channels() + " channels, the model's input " + sampleInput + " has " + channels);
        if (sampleOutput.rank() == 1 && p.classNames().size() != sampleOutput.dim(0))
            throw new IllegalArgumentException(p.classNames().size() + " class names for a model of " + sampleOutput.dim(0) + " outputs");
    }
}

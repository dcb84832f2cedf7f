package io.github.conv4j.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * One training sample as it travels to and is cached on the executors: its 8-bit pixels (C×H×W,
 * row-major, as {@link io.github.conv4j.data.Dataset} holds them) and its class. Bytes rather than
 * floats: a quarter of the memory in the executors' cache and in the shuffle-free parallelise.
 *
 * @param pixels the image's C×H×W bytes (unsigned, 0–255)
 * @param label  the class index, 0-based
 */
public record LabelledImage(byte[] pixels, int label) implements Serializable {
    /** Checks the sample: pixels present, label non-negative. */
    public LabelledImage {
        Objects.requireNonNull(pixels, "pixels");
        if (label < 0) throw new IllegalArgumentException("label must be non-negative, got " + label);
    }
}

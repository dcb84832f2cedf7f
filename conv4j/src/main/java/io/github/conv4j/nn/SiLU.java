package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;

/** x·sigmoid(x), elementwise (PyTorch's SiLU, also called Swish), any input shape. */
public final class SiLU extends PointwiseActivation {
    /** The activation (it has no options). */
    public SiLU() { super("SiLU", Conv4jNative.ACT_SILU, 5); }
}

package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;

/** tanh x, elementwise (PyTorch's Tanh), any input shape. */
public final class Tanh extends PointwiseActivation {
    /** The activation (it has no options). */
    public Tanh() { super("Tanh", Conv4jNative.ACT_TANH, 4); }
}

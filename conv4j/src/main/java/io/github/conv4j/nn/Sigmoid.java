package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;

/** 1/(1+e<sup>−x</sup>), elementwise (PyTorch's Sigmoid), any input shape. */
public final class Sigmoid extends PointwiseActivation {
    /** The activation (it has no options). */
    public Sigmoid() { super("Sigmoid", Conv4jNative.ACT_SIGMOID, 4); }
}

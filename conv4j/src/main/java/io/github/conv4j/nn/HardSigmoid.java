package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;

/** min(max(x + 3, 0), 6)/6, i.e. x/6 + 1/2 clipped to [0, 1], elementwise (PyTorch's Hardsigmoid), any input shape; the derivative is 1/6 strictly inside (−3, 3) and 0 elsewhere, as PyTorch's. */
public final class HardSigmoid extends PointwiseActivation {
    /** The activation (it has no options). */
    public HardSigmoid() { super("HardSigmoid", Conv4jNative.ACT_HARDSIGMOID, 2); }
}

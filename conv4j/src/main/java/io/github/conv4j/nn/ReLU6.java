package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;

/** min(max(x, 0), 6), elementwise (PyTorch's ReLU6, MobileNetV2's activation), any input shape; the derivative is 0 at the kinks 0 and 6, as PyTorch's. */
public final class ReLU6 extends PointwiseActivation {
    /** The activation (it has no options). */
    public ReLU6() { super("ReLU6", Conv4jNative.ACT_RELU6, 1); }
}

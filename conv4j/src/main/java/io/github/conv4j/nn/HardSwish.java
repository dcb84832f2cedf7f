package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;

/** x·min(max(x + 3, 0), 6)/6, elementwise (PyTorch's Hardswish, MobileNetV3's activation), any input shape; the derivative is 0 below −3, x/3 + 1/2 on [−3, 3] and 1 above, as PyTorch's. */
public final class HardSwish extends PointwiseActivation {
    /** The activation (it has no options). */
    public HardSwish() { super("HardSwish", Conv4jNative.ACT_HARDSWISH, 3); }
}

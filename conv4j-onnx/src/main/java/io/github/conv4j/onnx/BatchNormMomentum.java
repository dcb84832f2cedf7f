package io.github.conv4j.onnx;

import java.math.BigDecimal;

/**
 * The two conventions of BatchNorm's momentum. ONNX keeps {@code m} of the old statistics,
 * {@code running = running·m + batch·(1 − m)}; PyTorch and conv4j take {@code m} of the new
 * batch, {@code running = (1 − m)·running + m·batch}. So conv4j's momentum is 1 − ONNX's: PyTorch's
 * default 0.1 is exported as 0.9.
 *
 * <p>The complement is taken on the shortest decimal form of the float, so that 0.9f gives 0.1f
 * and 0.1f gives 0.9f back: {@code 1f - 0.9f} is 0.100000024f, and a model imported, exported
 * and imported again would drift by an ulp each time.
 */
final class BatchNormMomentum {
    private BatchNormMomentum() {
    }

    /** The momentum of PyTorch's and conv4j's convention for ONNX's {@code momentum}. */
    static float fromOnnx(float momentum) {
        return complement(momentum);
    }

    /** The momentum of ONNX's convention for conv4j's {@code momentum}. */
    static float toOnnx(float momentum) {
        return complement(momentum);
    }

    private static float complement(float momentum) {
        return BigDecimal.ONE.subtract(new BigDecimal(Float.toString(momentum))).floatValue();
    }
}

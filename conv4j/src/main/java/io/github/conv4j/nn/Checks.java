package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/** Argument checks shared by the layers; each message names the layer and the offending values. */
final class Checks {
    private Checks() {}

    static int positive(String layer, String what, int v) {
        if (v <= 0) throw new IllegalArgumentException(layer + ": " + what + " must be positive, got " + v);
        return v;
    }

    static int nonNegative(String layer, String what, int v) {
        if (v < 0) throw new IllegalArgumentException(layer + ": " + what + " must be non-negative, got " + v);
        return v;
    }

    /** The batch tensor's per-sample shape must be {@code sample}; returns the batch size. */
    static int batchOf(String layer, Tensor x, Shape sample) {
        Shape s = x.shape();
        if (!s.isBatchOf(sample))
            throw new IllegalArgumentException(layer + ": expected input [N, " + sample.toString().substring(1)
                    + ", got " + s);
        return s.dim(0);
    }

    /** The gradient handed to a layer's backward must have the shape of its forward's output. */
    static void outputGradient(String layer, Shape expected, Tensor dy) {
        if (!dy.shape().equals(expected))
            throw new IllegalArgumentException(layer + ": expected output gradient " + expected + ", got " + dy.shape());
    }

    /** GEMM dimensions are 32-bit in CBLAS: refuse layers whose matrices would overflow them. */
    static void fitsBlas(String layer, String what, long v) {
        if (v > Integer.MAX_VALUE)
            throw new IllegalArgumentException(layer + ": " + what + " = " + v + " exceeds the 2^31-1 limit of BLAS dimensions");
    }

    /** A plane (H×W) the kernels address with 32-bit indices (pooling's argmax, im2col's rows). */
    static void fitsIndex(String layer, String what, long v) {
        if (v > Integer.MAX_VALUE)
            throw new IllegalArgumentException(layer + ": " + what + " = " + v + " exceeds the 2^31-1 limit of the native kernels' plane indices");
    }
}

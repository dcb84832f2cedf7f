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

    /**
     * Where every backward starts: a forward must have run ({@code output}, the shape of what it
     * gave, null when none has, or when what it saved has been freed since), and {@code dy} must
     * have that shape.
     */
    static void backward(String layer, Shape output, Tensor dy) {
        if (output == null) throw new IllegalStateException(layer + ": backward without a forward pass");
        outputGradient(layer, output, dy);
    }

    /** {@link #backward(String, Shape, Tensor)} where the forward saved a tensor of its output's shape ({@code saved}, null before the first forward). */
    static void backward(String layer, Tensor saved, Tensor dy) { backward(layer, saved == null ? null : saved.shape(), dy); }

    /** A per-sample shape written as the batch it describes, e.g. {@code [N, 16, 8, 8]}. */
    static String batchOf(Shape sample) { return "[N, " + sample.toString().substring(1); }

    /** A merge's inputs must all have batch size {@code n} and their per-sample shapes; returns n. */
    static int sameBatch(String node, java.util.List<Tensor> inputs, java.util.List<Shape> samples) {
        if (inputs.size() != samples.size())
            throw new IllegalArgumentException(node + ": expected " + samples.size() + " inputs, got " + inputs.size());
        int n = inputs.get(0).shape().dim(0);
        for (int i = 0; i < inputs.size(); i++) {
            Shape s = inputs.get(i).shape();
            if (!s.isBatchOf(samples.get(i)) || s.dim(0) != n)
                throw new IllegalArgumentException(node + ": expected input " + i + " " + batchOf(samples.get(i)).replace("N", Integer.toString(n))
                        + ", got " + s);
        }
        return n;
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

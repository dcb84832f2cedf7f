package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;

/**
 * How a convolution or pooling window sweeps an axis, and so how the output size rounds
 * (after DL4J's {@code ConvolutionMode}). With input size {@code n}, explicit padding {@code p},
 * stride {@code s} and dilated kernel extent {@code d = dil·(k−1)+1}:
 */
public enum PaddingMode {
    /**
     * PyTorch's rule and the default: {@code out = ⌊(n + 2p − d)/s⌋ + 1}. Input rows or columns
     * that no window reaches at the bottom/right are silently ignored.
     */
    TRUNCATE,
    /**
     * Like {@link #TRUNCATE}, but an input the windows do not tile exactly
     * ({@code (n + 2p − d) mod s ≠ 0}) is an error instead of being cut: use it to catch
     * architecture mistakes.
     */
    STRICT,
    /**
     * TensorFlow's "same": {@code out = ⌈n/s⌉} whatever the kernel; explicit padding must be 0 and
     * the padding needed, {@code max((out−1)·s + d − n, 0)}, is split with the extra row/column
     * at the bottom/right.
     */
    SAME;

    /**
     * The largest padded extent (input plus padding on both sides) the native kernels index:
     * every row, column and window offset they compute must fit a signed 32-bit int.
     */
    public static final long MAX_EXTENT = Integer.MAX_VALUE;

    /** Output size and top/left padding along one axis. */
    record Axis(int out, int padBefore) {}

    /**
     * Resolves one axis, or throws an {@link IllegalArgumentException} naming the layer and values.
     * {@code ceil} is pooling's ceil_mode (PyTorch): round up, but the last window must start
     * inside the input or its top/left padding.
     */
    Axis resolve(String layer, String axis, int n, int kernel, int stride, int pad, int dilation, boolean ceil) {
        if (n <= 0) throw new IllegalArgumentException(layer + ": input " + axis + " must be positive, got " + n);
        long extent = (long) dilation * (kernel - 1) + 1;
        if (this == SAME) {
            if (pad != 0) throw new IllegalArgumentException(layer + ": SAME padding mode computes its own padding; explicit padding " + pad + " given");
            int out = (int) ((n + (long) stride - 1) / stride);
            long total = Math.max((long) (out - 1) * stride + extent - n, 0);
            requireIndexable(layer, axis, n, total);
            return new Axis(out, (int) (total / 2));
        }
        requireIndexable(layer, axis, n, 2L * pad);
        long span = n + 2L * pad - extent;
        if (span < 0)
            throw new IllegalArgumentException(layer + ": kernel extent " + extent + " along " + axis
                    + " exceeds the padded input " + (n + 2L * pad) + " (input " + n + ", padding " + pad + ")");
        if (this == STRICT && span % stride != 0)
            throw new IllegalArgumentException(layer + ": STRICT mode: stride " + stride + " does not tile " + axis
                    + " (input " + n + ", padding " + pad + ", kernel extent " + extent + ": " + span + " is not a multiple of " + stride + ")");
        long out = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && (out - 1) * stride >= n + (long) pad) out--;
        if (out > Integer.MAX_VALUE) throw new IllegalArgumentException(layer + ": output " + axis + " " + out + " is too large");
        return new Axis((int) out, pad);
    }

    /**
     * Both axes of an N×C×H×W input, with the input and output planes checked against the
     * kernels' 32-bit plane indices.
     */
    Axis[] resolvePlane(String layer, Shape input, int kh, int kw, int sh, int sw, int ph, int pw,
                        int dh, int dw, boolean ceil) {
        Checks.fitsIndex(layer, "input plane H×W", (long) input.dim(2) * input.dim(3));
        Axis[] a = {resolve(layer, "height", input.dim(2), kh, sh, ph, dh, ceil), resolve(layer, "width", input.dim(3), kw, sw, pw, dw, ceil)};
        Checks.fitsIndex(layer, "output plane P×Q", (long) a[0].out() * a[1].out());
        return a;
    }

    /** Refuses an axis whose padded extent leaves the range the kernels index with. */
    private static void requireIndexable(String layer, String axis, int n, long totalPad) {
        if (n + totalPad > MAX_EXTENT)
            throw new IllegalArgumentException(layer + ": padded " + axis + " " + (n + totalPad) + " (input " + n + " + padding "
                    + totalPad + ") exceeds " + MAX_EXTENT + ", the largest extent the native kernels index");
    }
}

package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Conv4jNative.PoolGeom;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/**
 * Average pooling over NCHW (PyTorch's AvgPool2d). With {@code countIncludePad} (the default)
 * the divisor counts padded positions inside the padded input; without it, only real inputs.
 */
public final class AvgPool2d extends WindowPool {
    private final boolean countIncludePad;

    /** A square {@code kernel}×{@code kernel} window with stride {@code kernel}, unpadded, counting padding in the divisor. */
    public AvgPool2d(int kernel) { this(PoolWindow.of("AvgPool2d", kernel, kernel), true); }
    /** A {@code kernelH}×{@code kernelW} window with the stride of its size. */
    public AvgPool2d(int kernelH, int kernelW) { this(PoolWindow.of("AvgPool2d", kernelH, kernelW), true); }
    private AvgPool2d(PoolWindow w, boolean countIncludePad) {
        super(w);
        this.countIncludePad = countIncludePad;
    }

    /** The same stride {@code s} along both axes (default: the kernel size). */
    public AvgPool2d stride(int s) { return stride(s, s); }
    /** Vertical and horizontal strides. */
    public AvgPool2d stride(int h, int w) { return new AvgPool2d(win.stride(h, w), countIncludePad); }
    /** The same padding on all four sides (at most half the kernel; default 0). */
    public AvgPool2d padding(int p) { return padding(p, p); }
    /** Top/bottom and left/right padding. */
    public AvgPool2d padding(int h, int w) { return new AvgPool2d(win.padding(h, w), countIncludePad); }
    /** PyTorch's ceil_mode: round the output size up (the last window still starts inside the input or its top/left padding); default false. */
    public AvgPool2d ceilMode(boolean ceil) { return new AvgPool2d(win.ceil(ceil), countIncludePad); }
    /** How the output size rounds (default {@link PaddingMode#TRUNCATE}). */
    public AvgPool2d mode(PaddingMode m) { return new AvgPool2d(win.mode(m), countIncludePad); }
    /** Whether padded positions count in the divisor (PyTorch's count_include_pad; default true). */
    public AvgPool2d countIncludePad(boolean include) { return new AvgPool2d(win, include); }

    @Override public String spec() { return win.spec() + " countIncludePad=" + countIncludePad; }

    @Override public String describe() {
        String d = win.describe();
        return countIncludePad ? d : d.substring(0, d.length() - 1) + ", exclude pad)";
    }

    @Override public Op create(LayerContext ctx) { return runtime(ctx, win, countIncludePad, describe()); }

    /** The runtime for any average-pooling window (also used by {@link GlobalAvgPool2d}). */
    static PlannedOp runtime(LayerContext ctx, PoolWindow window, boolean includePad, String description) {
        String name = ctx.name() + " " + description;
        Shape sample = ctx.sampleInput();
        PoolGeom geom = window.geometry(name, sample);
        Shape outSample = window.outputShape(name, sample.prependBatch(1)).dropBatch();
        int include = includePad ? 1 : 0;
        return new NativeBatchOp(name, sample, outSample) {
            @Override int compute(int n, Tensor x, Tensor y, boolean training) {
                return Conv4jNative.avgPool2dForward(geom.n(n), include, x.pointer(), y.pointer());
            }

            @Override int gradient(int n, Tensor x, Tensor y, Tensor dy, Tensor dx) {
                return Conv4jNative.avgPool2dBackward(geom.n(n), include, dy.pointer(), dx.pointer());
            }

            @Override public void close() {
                super.close();
                geom.close();
            }
        };
    }
}

package io.github.conv4j.nn;

import static io.github.conv4j.nn.Checks.nonNegative;
import static io.github.conv4j.nn.Checks.positive;

import io.github.conv4j.binding.Conv4jNative.PoolGeom;
import io.github.conv4j.tensor.Shape;

/** The window of a pooling layer (kernel, stride, padding, dilation, rounding), shared by max and average pooling. */
record PoolWindow(String kind, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, boolean ceil, PaddingMode mode) {
    PoolWindow {
        String me = kind;
        positive(me, "kernel", kh); positive(me, "kernel", kw);
        positive(me, "stride", sh); positive(me, "stride", sw);
        nonNegative(me, "padding", ph); nonNegative(me, "padding", pw);
        positive(me, "dilation", dh); positive(me, "dilation", dw);
        if (2L * ph > kh || 2L * pw > kw)
            throw new IllegalArgumentException(me + ": padding " + ph + "×" + pw + " must be at most half the kernel " + kh + "×" + kw);
    }

    /** A kh×kw window of the layer type {@code kind} that steps by its own size, unpadded. */
    static PoolWindow of(String kind, int kh, int kw) { return new PoolWindow(kind, kh, kw, kh, kw, 0, 0, 1, 1, false, PaddingMode.TRUNCATE); }

    PoolWindow stride(int h, int w) { return new PoolWindow(kind, kh, kw, h, w, ph, pw, dh, dw, ceil, mode); }
    PoolWindow padding(int h, int w) { return new PoolWindow(kind, kh, kw, sh, sw, h, w, dh, dw, ceil, mode); }
    PoolWindow dilation(int h, int w) { return new PoolWindow(kind, kh, kw, sh, sw, ph, pw, h, w, ceil, mode); }
    PoolWindow ceil(boolean c) { return new PoolWindow(kind, kh, kw, sh, sw, ph, pw, dh, dw, c, mode); }
    PoolWindow mode(PaddingMode m) { return new PoolWindow(kind, kh, kw, sh, sw, ph, pw, dh, dw, ceil, m); }

    String spec() {
        return kind + " kernel=" + kh + "," + kw + " stride=" + sh + "," + sw + " padding=" + ph + "," + pw + " dilation=" + dh + ","
                + dw + " ceil=" + ceil + " mode=" + mode;
    }

    String describe() {
        StringBuilder b = new StringBuilder(kind).append('(').append(kh).append('×').append(kw);
        if (sh != kh || sw != kw) b.append(", stride ").append(sh == sw ? "" + sh : sh + "×" + sw);
        if (ph != 0 || pw != 0) b.append(", pad ").append(ph == pw ? "" + ph : ph + "×" + pw);
        if (dh != 1 || dw != 1) b.append(", dilation ").append(dh == dw ? "" + dh : dh + "×" + dw);
        if (ceil) b.append(", ceil");
        if (mode != PaddingMode.TRUNCATE) b.append(", ").append(mode.name().toLowerCase());
        return b.append(')').toString();
    }

    private PaddingMode.Axis[] axes(String layer, Shape input) {
        Layer.requireRank(layer, input, 4, "N×C×H×W");
        return mode.resolvePlane(layer, input, kh, kw, sh, sw, ph, pw, dh, dw, ceil);
    }

    Shape outputShape(String layer, Shape input) {
        PaddingMode.Axis[] a = axes(layer, input);
        return Shape.of(input.dim(0), input.dim(1), a[0].out(), a[1].out());
    }

    /** The receptive field after a pool of this window on per-sample input {@code sampleInput}; {@code layer} names it in errors. */
    ReceptiveField receptiveField(String layer, Shape sampleInput, ReceptiveField rf) {
        Shape o = outputShape(layer, sampleInput.prependBatch(1));
        return rf.window(kh, kw, sh, sw, dh, dw, o.dim(2), o.dim(3));
    }

    /** One operation per window element per output value, for per-sample input {@code sampleInput}. */
    long flops(String layer, Shape sampleInput) {
        return outputShape(layer, sampleInput.prependBatch(1)).size() * kh * kw;
    }

    /** A native geometry for per-sample input C×H×W; the batch size is set per call. */
    PoolGeom geometry(String layer, Shape sample) {
        Shape batch1 = sample.prependBatch(1);
        PaddingMode.Axis[] a = axes(layer, batch1);
        PoolGeom g = new PoolGeom();
        g.n(1).c(sample.dim(0)).h(sample.dim(1)).w(sample.dim(2)).kernel_h(kh).kernel_w(kw).stride_h(sh).stride_w(sw)
         .pad_h(a[0].padBefore()).pad_w(a[1].padBefore()).dil_h(dh).dil_w(dw).out_h(a[0].out()).out_w(a[1].out());
        return g;
    }
}

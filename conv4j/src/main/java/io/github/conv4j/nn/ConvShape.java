package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative.ConvGeom;

/**
 * What a convolution's timing depends on: its geometry (without the batch) and the images one
 * worker's GEMM takes at once. The key of {@link KernelChooser}'s choices, and their label in
 * reports.
 */
public record ConvShape(int c, int h, int w, int k, int r, int s, int strideH, int strideW, int padH, int padW,
                        int dilH, int dilW, int groups, int outH, int outW, int chunk) {
    /** The shape of {@code g} (its chunk included, its batch and paths left out). */
    static ConvShape of(ConvGeom g) {
        return new ConvShape(g.c(), g.h(), g.w(), g.k(), g.r(), g.s(), g.stride_h(), g.stride_w(), g.pad_h(), g.pad_w(),
                g.dil_h(), g.dil_w(), g.groups(), g.out_h(), g.out_w(), g.chunk());
    }

    /** Sets these fields (the batch, paths and ReLU left alone) on {@code g}; returns it. */
    ConvGeom applyTo(ConvGeom g) {
        return g.c(c).h(h).w(w).k(k).r(r).s(s).stride_h(strideH).stride_w(strideW).pad_h(padH).pad_w(padW).dil_h(dilH).dil_w(dilW)
                .groups(groups).out_h(outH).out_w(outW).chunk(chunk);
    }

    /** E.g. {@code 3x224x224 -> 64 k11x11 s4 p2 (chunk 1)}; dilation and groups when not 1. */
    @Override public String toString() {
        StringBuilder b = new StringBuilder().append(c).append('x').append(h).append('x').append(w).append(" -> ").append(k)
                .append(" k").append(r).append('x').append(s).append(" s").append(strideH == strideW ? "" + strideH : strideH + "," + strideW)
                .append(" p").append(padH == padW ? "" + padH : padH + "," + padW);
        if (dilH != 1 || dilW != 1) b.append(" d").append(dilH).append(',').append(dilW);
        if (groups != 1) b.append(" g").append(groups);
        return b.append(" (chunk ").append(chunk).append(')').toString();
    }
}

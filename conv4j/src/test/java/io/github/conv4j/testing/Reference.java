package io.github.conv4j.testing;

/**
 * Plain-Java double-precision reference implementations of convolution and pooling, forward and
 * backward, written straight from the definitions (no lowering, no BLAS): what the native
 * kernels are checked against on random geometries.
 */
public final class Reference {
    private Reference() {}

    /** Convolution geometry; out sizes by the truncating formula (in 64 bits: huge paddings and strides are test input). */
    public record Conv(int n, int c, int h, int w, int k, int r, int s, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        public int outH() { return Math.toIntExact((h + 2L * ph - ((long) dh * (r - 1) + 1)) / sh + 1); }
        public int outW() { return Math.toIntExact((w + 2L * pw - ((long) dw * (s - 1) + 1)) / sw + 1); }
    }

    /** y, then dx, dw, db for upstream gradient dy: {y, dx, dw, db}. */
    public static double[][] conv(Conv g, float[] x, float[] wt, float[] b, float[] dy) {
        int P = g.outH(), Q = g.outW(), cg = g.c / g.groups, kg = g.k / g.groups;
        double[] y = new double[g.n * g.k * P * Q], dx = new double[x.length], dw = new double[wt.length], db = new double[g.k];
        for (int n = 0; n < g.n; n++)
            for (int k = 0; k < g.k; k++) {
                int grp = k / kg;
                for (int p = 0; p < P; p++)
                    for (int q = 0; q < Q; q++) {
                        int o = ((n * g.k + k) * P + p) * Q + q;
                        double acc = b == null ? 0 : b[k];
                        double d = dy[o];
                        db[k] += d;
                        for (int c = 0; c < cg; c++)
                            for (int i = 0; i < g.r; i++)
                                for (int j = 0; j < g.s; j++) {
                                    long row = (long) p * g.sh - g.ph + (long) i * g.dh, col = (long) q * g.sw - g.pw + (long) j * g.dw;
                                    if (row < 0 || row >= g.h || col < 0 || col >= g.w) continue;
                                    int xi = (int) (((n * g.c + grp * cg + c) * g.h + row) * g.w + col);
                                    int wi = ((k * cg + c) * g.r + i) * g.s + j;
                                    acc += (double) wt[wi] * x[xi];
                                    dx[xi] += (double) wt[wi] * d;
                                    dw[wi] += (double) x[xi] * d;
                                }
                        y[o] = acc;
                    }
            }
        return new double[][] {y, dx, dw, db};
    }

    /** Max pooling (padding as −∞, first maximum wins): {y, dx}. */
    public static double[][] maxPool(int n, int c, int h, int w, int k, int stride, int pad, int outH, int outW, float[] x, float[] dy) {
        double[] y = new double[n * c * outH * outW], dx = new double[x.length];
        for (int plane = 0; plane < n * c; plane++)
            for (int p = 0; p < outH; p++)
                for (int q = 0; q < outW; q++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int where = -1;
                    for (int i = 0; i < k; i++)
                        for (int j = 0; j < k; j++) {
                            int row = p * stride - pad + i, col = q * stride - pad + j;
                            if (row < 0 || row >= h || col < 0 || col >= w) continue;
                            int xi = (plane * h + row) * w + col;
                            if (where < 0 || x[xi] > best) { best = x[xi]; where = xi; }
                        }
                    int o = (plane * outH + p) * outW + q;
                    y[o] = best;
                    dx[where] += dy[o];
                }
        return new double[][] {y, dx};
    }
}

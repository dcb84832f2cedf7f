/* Memory-safety check of max and average pooling under AddressSanitizer/UBSan
 * (scripts/native-sanitize.sh): windows drawn four ways (mostly the 2x2/2 one, for the AVX2
 * paths with full, overlapping and masked blocks of eight; stride 2 across on rows of 8..60 (some
 * of 3..24: the values-only kernels' masked rows), for
 * the AVX2 loop of larger windows; general windows with symmetric or
 * SAME padding; huge ones: windows, strides, paddings and dilations of 2^16..2^31-1 over a few
 * pixels), NaNs planted in some inputs, -0s (and NaNs) in some max poolings' gradients, buffers
 * of exactly the documented size, outputs NaN- or garbage-filled first; some max poolings' inputs
 * all <= 0 with -0s and +0s, so that the first maximum in scan order shows in the bits. Forward
 * (max: also without the argmax, an evaluation's values-only kernels) and backward
 * (max: with and without the fused ReLU's mask; average: with and without the padding in the
 * divisor) on the AVX-512, AVX2 and portable kernels must equal a naive reference bit for bit: every
 * path adds the same floats in the same order, and a NaN in a max window wins (the first in scan
 * order). A huge window may be refused (C4J_EBADARG) only where Java refuses it too. */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "conv4j.h"

enum { MAX_OUTPUTS = 4096 };

static int ran, refused;

/* A gradient whose bits a plain store and 0 + dy tell apart: -0, or with nan also a quiet NaN, a
 * negative one with a payload, a signalling one. Every path must give the reference's
 * scatter-add into a zeroed plane: +0, the NaN's quiet form with its sign and payload. NaNs only
 * where no input takes two windows' gradients (the 2x2/2 window): which of two NaNs' payloads
 * a sum keeps is the compiler's choice (it may swap the operands of +). */
static float odd_gradient(int nan) {
    static const uint32_t bits[] = {0x80000000u, 0x7fc00000u, 0xffc12345u, 0x7fa00001u};
    float f;
    memcpy(&f, &bits[nan && pick(0, 1) ? pick(1, 3) : 0], sizeof f);
    return f;
}

/* The tap i in [0, count) with start + i*step == v, or -1 (walking the input, not the taps,
 * keeps the reference cheap for windows of 2^31 taps over a few pixels). */
static int64_t tap_at(int64_t v, int64_t start, int64_t step, int64_t count) {
    if (v < start || (v - start) % step) return -1;
    return (v - start) / step < count ? (v - start) / step : -1;
}

/* Max pooling by the definition: first maximum in scan order, the first NaN wins. */
static void ref_maxpool(const c4j_pool_geom *g, const float *x, float *y, int32_t *arg) {
    const int64_t hw = (int64_t)g->h * g->w, pq = (int64_t)g->out_h * g->out_w;
    for (int64_t plane = 0; plane < (int64_t)g->n * g->c; ++plane)
        for (int64_t p = 0; p < g->out_h; ++p)
            for (int64_t q = 0; q < g->out_w; ++q) {
                float best = -INFINITY;
                int64_t where = -1;
                for (int64_t ih = 0; ih < g->h; ++ih) {
                    if (tap_at(ih, p * g->stride_h - g->pad_h, g->dil_h, g->kernel_h) < 0) continue;
                    for (int64_t iw = 0; iw < g->w; ++iw) {
                        if (tap_at(iw, q * g->stride_w - g->pad_w, g->dil_w, g->kernel_w) < 0) continue;
                        const float v = x[plane * hw + ih * g->w + iw];
                        if (where < 0 || (best == best && (v != v || v > best))) { best = v; where = ih * g->w + iw; }
                    }
                }
                y[plane * pq + p * g->out_w + q] = best;
                arg[plane * pq + p * g->out_w + q] = (int32_t)where;
            }
}

/* dx = dy scattered to the argmax, in output order; masked by y > 0 when y is given. */
static void ref_unpool(const c4j_pool_geom *g, const float *dy, const int32_t *arg, const float *y, float *dx) {
    const int64_t hw = (int64_t)g->h * g->w, pq = (int64_t)g->out_h * g->out_w;
    memset(dx, 0, (size_t)((int64_t)g->n * g->c * hw) * sizeof(float));
    for (int64_t o = 0; o < (int64_t)g->n * g->c * pq; ++o)
        if (arg[o] >= 0) dx[o / pq * hw + arg[o]] += y && !(y[o] > 0.0f) ? 0.0f : dy[o];
}

/* Average pooling (PyTorch's rule: the divisor counts the window clipped to the padded input,
 * or to the input without count_include_pad); backward when dy is given (dx += share). */
static void ref_avgpool(const c4j_pool_geom *g, int include_pad, const float *x, float *y, const float *dy,
                        float *dx) {
    const int64_t hw = (int64_t)g->h * g->w, pq = (int64_t)g->out_h * g->out_w;
    if (dx) memset(dx, 0, (size_t)((int64_t)g->n * g->c * hw) * sizeof(float));
    for (int64_t plane = 0; plane < (int64_t)g->n * g->c; ++plane)
        for (int64_t p = 0; p < g->out_h; ++p)
            for (int64_t q = 0; q < g->out_w; ++q) {
                const int64_t h0 = p * g->stride_h - g->pad_h, w0 = q * g->stride_w - g->pad_w;
                const int64_t h1 = h0 + g->kernel_h < g->h + g->pad_h ? h0 + g->kernel_h : g->h + g->pad_h,
                              w1 = w0 + g->kernel_w < g->w + g->pad_w ? w0 + g->kernel_w : g->w + g->pad_w;
                int64_t inside = 0;
                float sum = 0.0f;
                for (int64_t ih = h0 > 0 ? h0 : 0; ih < h1 && ih < g->h; ++ih)
                    for (int64_t iw = w0 > 0 ? w0 : 0; iw < w1 && iw < g->w; ++iw, ++inside)
                        sum += x[plane * hw + ih * g->w + iw];
                const int64_t count = include_pad ? (h1 - h0) * (w1 - w0) : inside;
                const float inv = count > 0 ? 1.0f / (float)count : 0.0f;
                const int64_t o = plane * pq + p * g->out_w + q;
                if (!dx) { y[o] = sum * inv; continue; }
                for (int64_t ih = h0 > 0 ? h0 : 0; ih < h1 && ih < g->h; ++ih)
                    for (int64_t iw = w0 > 0 ? w0 : 0; iw < w1 && iw < g->w; ++iw)
                        dx[plane * hw + ih * g->w + iw] += dy[o] * inv;
            }
}

static int same(const char *what, const void *got, const void *want, size_t bytes, int fast) {
    if (memcmp(got, want, bytes) == 0) return 1;
    fprintf(stderr, "%s differs from the reference (%s kernels)\n", what, fast ? "fast" : "portable");
    return 0;
}

/* The status of the calls over [0, mid) and [mid, n) (C4J_OK stands for one not made), or 1 if
 * they disagree. */
static int both(int a, int b, int mid, int n) { return mid == 0 ? b : mid == n || a == b ? a : 1; }

/* Status ok, or a refusal where Java refuses too. */
static int accepted(int rc, int refusable, int *refusals) {
    *refusals += rc == C4J_EBADARG;
    return rc == C4J_OK || (refusable && rc == C4J_EBADARG);
}

/* Max pooling forward and backward (unmasked and masked) on both paths against the reference. */
static int check_max(const c4j_pool_geom *g, const float *x, const float *dy, int refusable, int *refusals) {
    const int64_t xs = (int64_t)g->n * g->c * g->h * g->w, ys = (int64_t)g->n * g->c * g->out_h * g->out_w;
    float *ry = malloc((size_t)ys * sizeof(float)), *rdx = malloc((size_t)xs * sizeof(float));
    int32_t *rarg = malloc((size_t)ys * sizeof(int32_t));
    ref_maxpool(g, x, ry, rarg);
    int ok = 1;
    /* the portable path, the fast one on AVX2, and on AVX-512 where the CPU has it */
    for (int path = 0; path < 2 + (c4j_fast_kernels() && c4j_avx512_available()); ++path) {
        const int fast = path > 0;
        c4j_set_fast_kernels(fast);
        c4j_set_avx512(path == 2);
        float *y = nan_filled(ys), *dx = nan_filled(xs);
        int32_t *arg = malloc((size_t)ys * sizeof(int32_t));
        const int32_t mid = pick(0, g->n);
        /* the values alone (argmax NULL, an evaluation forward), later images first as below */
        const int late_v = mid < g->n ? c4j_maxpool2d_forward(g, mid, g->n, x, y, NULL) : C4J_OK;
        int rc_v = both(mid > 0 ? c4j_maxpool2d_forward(g, 0, mid, x, y, NULL) : C4J_OK, late_v, mid, g->n);
        ok &= accepted(rc_v, refusable, refusals);
        if (rc_v == C4J_OK) ok &= same(path == 2 ? "y without argmax (avx512)" : "y without argmax", y, ry, (size_t)ys * sizeof(float), fast);
        for (int64_t i = 0; i < ys; ++i) y[i] = NAN;
        /* the later images first: a call writing past its last plane (the short rows' wide
         * stores) would leave its values in the other call's planes, caught by the comparison */
        const int late = mid < g->n ? c4j_maxpool2d_forward(g, mid, g->n, x, y, arg) : C4J_OK;
        int rc = both(mid > 0 ? c4j_maxpool2d_forward(g, 0, mid, x, y, arg) : C4J_OK, late, mid, g->n);
        ok &= accepted(rc, refusable, refusals);
        if (rc == C4J_OK) {
            ok &= same("y", y, ry, (size_t)ys * sizeof(float), fast) && same("argmax", arg, rarg, (size_t)ys * sizeof(int32_t), fast);
            for (int masked = 0; masked < 2 && ok; ++masked) {
                const float *mask = masked ? y : NULL; /* the fused ReLU's, or NULL */
                ref_unpool(g, dy, rarg, masked ? ry : NULL, rdx);
                for (int64_t i = 0; i < xs; ++i) dx[i] = NAN;
                const int late_dx = mid < g->n ? c4j_maxpool2d_backward(g, mid, g->n, dy, arg, mask, dx) : C4J_OK;
                rc = both(mid > 0 ? c4j_maxpool2d_backward(g, 0, mid, dy, arg, mask, dx) : C4J_OK, late_dx, mid, g->n);
                ok &= rc == C4J_OK && same(masked ? "dx masked" : "dx", dx, rdx, (size_t)xs * sizeof(float), fast);
            }
        }
        free(y); free(dx); free(arg);
    }
    free(ry); free(rdx); free(rarg);
    return ok;
}

/* Average pooling forward and backward, both divisor rules, both paths, against the reference. */
static int check_avg(const c4j_pool_geom *g, const float *x, const float *dy, int refusable, int *refusals) {
    const int64_t xs = (int64_t)g->n * g->c * g->h * g->w, ys = (int64_t)g->n * g->c * g->out_h * g->out_w;
    float *ry = malloc((size_t)ys * sizeof(float)), *rdx = malloc((size_t)xs * sizeof(float));
    float *y = malloc((size_t)ys * sizeof(float)), *dx = malloc((size_t)xs * sizeof(float));
    int ok = 1;
    for (int include = 0; include < 2; ++include) {
        ref_avgpool(g, include, x, ry, NULL, NULL);
        ref_avgpool(g, include, x, NULL, dy, rdx);
        for (int fast = 0; fast < 2; ++fast) {
            c4j_set_fast_kernels(fast);
            for (int64_t i = 0; i < ys; ++i) y[i] = NAN;
            for (int64_t i = 0; i < xs; ++i) dx[i] = NAN;
            const int f = c4j_avgpool2d_forward(g, include, x, y), b = c4j_avgpool2d_backward(g, include, dy, dx);
            ok &= f == b && accepted(f, refusable, refusals);
            if (f == C4J_OK)
                ok &= same("avg y", y, ry, (size_t)ys * sizeof(float), fast) && same("avg dx", dx, rdx, (size_t)xs * sizeof(float), fast);
        }
    }
    free(ry); free(rdx); free(y); free(dx);
    return ok;
}

int main(int argc, char **argv) {
    int cases = argc > 1 ? atoi(argv[1]) : 300, failures = 0, huge_ran = 0, with_nan = 0, odd_dy = 0, signed_zeros = 0;
    for (int it = 0; it < cases; ++it) {
        /* mostly the 2x2/2 window; modes 5 and 7 huge sizes (a quarter of the cases, as before
         * mode 6 was added); mode 6 the AVX2 loop of stride 2 across (AlexNet's 3x3/2): rows wide
         * enough for its blocks of eight, any window, all strides down; in every fourth of them
         * narrower rows (3..24: AlexNet's 13x13 -> 6x6, the values-only kernels' masked rows) */
        const int mode = pick(0, 7), two = mode < 3, huge = mode == 5 || mode == 7, strided = mode == 6;
        const int narrow = strided && pick(0, 3) == 0;
        const int avg = pick(0, 2) == 0, same_pad = !two && pick(0, 2) == 0;
        axis a[2];
        for (int d = 0; d < 2; ++d) {
            a[d].in = huge ? pick(1, 4) : narrow ? pick(3, 24) : strided ? pick(8, 60) : pick(1, 40);
            a[d].k = two ? 2 : strided ? pick(1, 5) : small_or_huge(1, 4, huge);
            a[d].stride = two || (strided && d == 1) ? 2 : small_or_huge(1, 3, huge);
            a[d].pad = two ? 0 : pick(0, (int32_t)(a[d].k / 2)); /* Java's rule (SAME sets its own) */
            a[d].dil = two || avg || strided ? 1 : small_or_huge(1, 2, huge);
        }
        if (!shape_axis(&a[0], same_pad) || !shape_axis(&a[1], same_pad) || a[0].out * a[1].out > MAX_OUTPUTS)
            continue;
        const int32_t n = pick(1, 3); /* one draw per statement: initialisers' order is unspecified */
        const int32_t channels = pick(1, 3);
        c4j_pool_geom g = {n, channels, (int32_t)a[0].in, (int32_t)a[1].in, (int32_t)a[0].k,
                           (int32_t)a[1].k, (int32_t)a[0].stride, (int32_t)a[1].stride, (int32_t)a[0].pad,
                           (int32_t)a[1].pad, (int32_t)a[0].dil, (int32_t)a[1].dil, (int32_t)a[0].out,
                           (int32_t)a[1].out};
        const int64_t xs = (int64_t)g.n * g.c * g.h * g.w, ys = (int64_t)g.n * g.c * g.out_h * g.out_w;
        float *x = filled(xs), *dy = filled(ys);
        if (pick(0, 3) == 0) { /* a few NaNs: they win their windows (the 2x2 paths fall back) */
            for (int i = pick(1, 3); i > 0; --i) x[pick(0, (int32_t)(xs - 1))] = NAN;
            ++with_nan;
        }
        if (!avg && pick(0, 5) == 0) { /* windows whose maximum is 0, as -0 and +0: the first in scan order wins */
            for (int64_t i = 0; i < xs; ++i)
                x[i] = pick(0, 2) == 0 ? (pick(0, 1) ? -0.0f : 0.0f) : -fabsf(x[i]);
            ++signed_zeros;
        }
        if (!avg && pick(0, 2) == 0) { /* an eighth of the gradients odd (the winners' bits above) */
            for (int64_t i = 0; i < ys; ++i)
                if (pick(0, 7) == 0) dy[i] = odd_gradient(two);
            ++odd_dy;
        }
        const int refusable = !java_accepts(&a[0]) || !java_accepts(&a[1]);
        int refusals = 0, ok = avg ? check_avg(&g, x, dy, refusable, &refusals) : check_max(&g, x, dy, refusable, &refusals);
        if (!ok) {
            fprintf(stderr, "case %d: %s N%d C%d %dx%d window %dx%d stride %d,%d pad %d,%d dil %d,%d out %dx%d\n", it,
                    avg ? "avg" : "max", g.n, g.c, g.h, g.w, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w, g.pad_h,
                    g.pad_w, g.dil_h, g.dil_w, g.out_h, g.out_w);
            ++failures;
        }
        refused += refusals > 0;
        huge_ran += huge;
        free(x); free(dy);
        ++ran;
    }
    c4j_set_fast_kernels(1);
    c4j_set_avx512(1);
    printf("pool_bounds: %d windows (%d huge, %d refused as Java does; %d with NaN inputs, %d max poolings with -0 and NaN gradients, "
           "%d with maxima of -0 and +0), fast kernels %s, %d failures\n",
           ran, huge_ran, refused, with_nan, odd_dy, signed_zeros, c4j_fast_kernels() ? "on this CPU" : "NOT available here (portable only)",
           failures);
    return failures != 0;
}

/* Average pooling under AddressSanitizer/UBSan (scripts/native-sanitize.sh): random windows with
 * padding up to half the window, floor- and ceil-mode output sizes, count_include_pad both ways,
 * buffers of exactly the documented size and outputs pre-filled with NaN, forward and backward
 * checked against a naive reference written from PyTorch's definition; a dilated window must be
 * refused without a write. */
#include "check.h"

/* PyTorch's divisor: the window clipped to the padded input (count_include_pad) or to the input. */
static int divisor(const c4j_pool_geom *g, int include_pad, int32_t p, int32_t q) {
    int32_t h0 = p * g->stride_h - g->pad_h, w0 = q * g->stride_w - g->pad_w;
    int32_t h1 = h0 + g->kernel_h, w1 = w0 + g->kernel_w;
    if (h1 > g->h + g->pad_h) h1 = g->h + g->pad_h;
    if (w1 > g->w + g->pad_w) w1 = g->w + g->pad_w;
    if (include_pad) return (h1 - h0) * (w1 - w0);
    int inside = 0;
    for (int32_t i = h0; i < h1; ++i)
        for (int32_t j = w0; j < w1; ++j) inside += i >= 0 && i < g->h && j >= 0 && j < g->w;
    return inside;
}

/* Forward (dir 0: y from x) or the adjoint (dir 1: dx from dy) of one plane, tap by tap. */
static void reference(const c4j_pool_geom *g, int include_pad, int dir, const float *in, double *out) {
    for (int32_t p = 0; p < g->out_h; ++p)
        for (int32_t q = 0; q < g->out_w; ++q) {
            const double inv = 1.0 / divisor(g, include_pad, p, q);
            for (int32_t a = 0; a < g->kernel_h; ++a)
                for (int32_t b = 0; b < g->kernel_w; ++b) {
                    int32_t i = p * g->stride_h - g->pad_h + a, j = q * g->stride_w - g->pad_w + b;
                    if (i < 0 || i >= g->h || j < 0 || j >= g->w) continue;
                    if (dir == 0) out[p * g->out_w + q] += in[i * g->w + j] * inv;
                    else out[i * g->w + j] += in[p * g->out_w + q] * inv;
                }
        }
}

/* floor: (in + 2 pad - k)/s + 1; ceil: one more when that last window still starts inside the
 * input or its left padding (PyTorch's ceil_mode rule). */
static int32_t out_size(int32_t in, int32_t k, int32_t s, int32_t pad, int ceil) {
    int32_t span = in + 2 * pad - k, out = span / s + 1;
    if (ceil && span % s != 0 && (int64_t)out * s < (int64_t)in + pad) ++out;
    return out;
}

/* At most half the window (PyTorch's limit), and at least enough for a window wider than the
 * input to fit once. */
static int32_t padding(int32_t in, int32_t k) {
    int32_t pad = pick(0, k / 2), least = (k - in + 1) / 2;
    return pad > least ? pad : least;
}

static int one_case(int it) {
    c4j_pool_geom g;
    g.n = pick(1, 3); g.c = pick(1, 3); g.h = pick(1, 14); g.w = pick(1, 14);
    g.kernel_h = pick(1, 4); g.kernel_w = pick(1, 4); g.stride_h = pick(1, 3); g.stride_w = pick(1, 3);
    g.pad_h = padding(g.h, g.kernel_h); g.pad_w = padding(g.w, g.kernel_w); g.dil_h = 1; g.dil_w = 1;
    const int ceil = pick(0, 1), include_pad = pick(0, 1);
    g.out_h = out_size(g.h, g.kernel_h, g.stride_h, g.pad_h, ceil);
    g.out_w = out_size(g.w, g.kernel_w, g.stride_w, g.pad_w, ceil);
    const int64_t hw = (int64_t)g.h * g.w, pq = (int64_t)g.out_h * g.out_w, planes = (int64_t)g.n * g.c;
    float *x = filled(planes * hw), *dy = filled(planes * pq), *y = nan_filled(planes * pq), *dx = nan_filled(planes * hw);
    double *want_y = zeros(planes * pq), *want_dx = zeros(planes * hw);
    for (int64_t pl = 0; pl < planes; ++pl) {
        reference(&g, include_pad, 0, x + pl * hw, want_y + pl * pq);
        reference(&g, include_pad, 1, dy + pl * pq, want_dx + pl * hw);
    }
    int ok = status_is("avgpool forward", it, c4j_avgpool2d_forward(&g, include_pad, x, y), C4J_OK) &&
             status_is("avgpool backward", it, c4j_avgpool2d_backward(&g, include_pad, dy, dx), C4J_OK) &&
             agrees("y", it, y, want_y, planes * pq, 1e-5) && agrees("dx", it, dx, want_dx, planes * hw, 1e-5);
    /* dilation is not supported: refused, and nothing written */
    g.dil_w = 2;
    float *before = dup_of(y, (size_t)(planes * pq) * sizeof(float));
    ok = ok && status_is("dilated avgpool", it, c4j_avgpool2d_forward(&g, include_pad, x, y), C4J_EBADARG) &&
         unchanged("y of a refused call", it, y, before, (size_t)(planes * pq) * sizeof(float));
    if (!ok)
        fprintf(stderr, "case %d: N%d C%d %dx%d window %dx%d stride %d,%d pad %d,%d out %dx%d include_pad %d\n", it,
                g.n, g.c, g.h, g.w, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w, g.pad_h, g.pad_w, g.out_h,
                g.out_w, include_pad);
    free(x); free(dy); free(y); free(dx); free(want_y); free(want_dx); free(before);
    return !ok;
}

int main(int argc, char **argv) { return run_cases("avgpool_bounds", argc, argv, one_case); }

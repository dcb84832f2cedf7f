/* Max and average pooling, forward and backward, over NCHW planes. */
#include <math.h>
#include <string.h>
#include "conv4j.h"
#include "avx2.h"
#include "cpu.h"
#include "window.h"

/* The geometry is usable and inside conv4j.h's contract (C4J_MAX_EXTENT), in 64 bits. Window
 * indices below are then int64 (a window may start 2^31 before the input and its taps reach
 * 2^31 past it); argmax, an index into the input plane, is int32, hence the plane bound. */
static int geom_ok(const c4j_pool_geom *g) {
    return g && g->n > 0 && g->c > 0 &&
           c4j_axis_ok(g->h, g->kernel_h, g->pad_h, g->stride_h, g->dil_h, g->out_h) &&
           c4j_axis_ok(g->w, g->kernel_w, g->pad_w, g->stride_w, g->dil_w, g->out_w) &&
           /* every window starts inside the input or its top/left padding (ceil_mode's rule) */
           (int64_t)(g->out_h - 1) * g->stride_h < (int64_t)g->h + g->pad_h &&
           (int64_t)(g->out_w - 1) * g->stride_w < (int64_t)g->w + g->pad_w &&
           (int64_t)g->h * g->w <= C4J_MAX_EXTENT && (int64_t)g->out_h * g->out_w <= C4J_MAX_EXTENT;
}

static int range_ok(const c4j_pool_geom *g, int32_t n_begin, int32_t n_end) {
    return geom_ok(g) && n_begin >= 0 && n_begin < n_end && n_end <= g->n;
}

/* The 2x2, stride-2, unpadded window of most CNNs: windows do not overlap and all lie inside. */
static int is_2x2(const c4j_pool_geom *g) {
    return g->kernel_h == 2 && g->kernel_w == 2 && g->stride_h == 2 && g->stride_w == 2 && g->pad_h == 0 &&
           g->pad_w == 0 && g->dil_h == 1 && g->dil_w == 1 && 2 * (int64_t)g->out_h <= g->h &&
           2 * (int64_t)g->out_w <= g->w;
}

/* The 2x2, stride-2, unpadded window of most CNNs, without the general window bookkeeping:
 * same results as the general loop (first maximum in scan order; NaN handled by the caller).
 * Output (p, q) of a plane; returns 1 when the window holds a NaN. */
static inline int max_2x2_at(const float *in, int32_t W, int32_t OW, int32_t p, int32_t q, float *out,
                             int32_t *arg) {
    const int32_t at = 2 * p * W + 2 * q;
    const float a = in[at], b = in[at + 1], c = in[at + W], d = in[at + W + 1];
    float best = a;
    int32_t where = at;
    int take = b > best;   /* selects, not branches: the comparison is data-dependent */
    best = take ? b : best; where = take ? at + 1 : where;
    take = c > best;
    best = take ? c : best; where = take ? at + W : where;
    take = d > best;
    best = take ? d : best; where = take ? at + W + 1 : where;
    out[p * OW + q] = best;
    arg[p * OW + q] = where;
    return (a != a) | (b != b) | (c != c) | (d != d);
}

static int maxpool_2x2(const c4j_pool_geom *g, const float *in, float *out, int32_t *arg) {
    int nan = 0;
    for (int32_t p = 0; p < g->out_h; ++p)
        for (int32_t q = 0; q < g->out_w; ++q) nan |= max_2x2_at(in, g->w, g->out_w, p, q, out, arg);
    return nan;
}


/* maxpool_2x2 on the AVX2 kernels where they run (pool_avx2.c). */
static int maxpool_2x2_any(const c4j_pool_geom *g, const float *in, float *out, int32_t *arg) {
#if C4J_HAVE_AVX2
    if (c4j_fast()) return c4j_maxpool_2x2_avx2(g, in, out, arg);
#endif
    return maxpool_2x2(g, in, out, arg);
}

/* Output (p, q) of a plane by the general window loop; its argmax too unless arg is NULL. */
static void max_window(const c4j_pool_geom *g, const float *in, int64_t p, int64_t q, float *out, int32_t *arg) {
    const int64_t row0 = p * g->stride_h - g->pad_h, col0 = q * g->stride_w - g->pad_w;
    int64_t i_lo, i_hi, j_lo, j_hi;
    c4j_valid_range(row0, g->dil_h, g->h, g->kernel_h, &i_lo, &i_hi);
    c4j_valid_range(col0, g->dil_w, g->w, g->kernel_w, &j_lo, &j_hi);
    float best = -INFINITY;
    int64_t where = -1;
    int nan = 0;
    if (i_lo < i_hi && j_lo < j_hi) {
        where = (row0 + i_lo * g->dil_h) * g->w + col0 + j_lo * g->dil_w;
        best = in[where];
    }
    /* Strict > keeps the first maximum in scan order. Written as selects, not
     * branches: the comparison is data-dependent and would mispredict constantly.
     * NaNs are only noted here; the rare window with one is rescanned below. */
    for (int64_t i = i_lo; i < i_hi; ++i) {
        const int64_t row = row0 + i * g->dil_h;
        for (int64_t j = j_lo; j < j_hi; ++j) {
            const int64_t idx = row * g->w + col0 + j * g->dil_w;
            const float v = in[idx];
            const int take = v > best;
            best = take ? v : best;
            where = take ? idx : where;
            nan |= v != v;
        }
    }
    if (nan) { /* as PyTorch: the first NaN in scan order wins and propagates */
        for (int64_t i = i_lo; i < i_hi && best == best; ++i)
            for (int64_t j = j_lo; j < j_hi; ++j) {
                const int64_t idx = (row0 + i * g->dil_h) * g->w + col0 + j * g->dil_w;
                if (in[idx] != in[idx]) { best = in[idx]; where = idx; break; }
            }
    }
    out[p * g->out_w + q] = best;
    if (arg) arg[p * g->out_w + q] = (int32_t)where; /* < h*w <= INT32_MAX, or -1 */
}

/* A rectangle of outputs [p_lo, p_hi) x [q_lo, q_hi) of a plane; empty when p_lo == p_hi. */
typedef struct { int64_t p_lo, p_hi, q_lo, q_hi; } rect;

/* The general loop over the outputs of a plane outside r (arg may be NULL: values only). */
static void max_outside(const c4j_pool_geom *g, const float *in, rect r, float *out, int32_t *arg) {
    for (int64_t p = 0; p < g->out_h; ++p) {
        const int inside = p >= r.p_lo && p < r.p_hi;
        for (int64_t q = 0; q < g->out_w; ++q) {
            if (inside && q == r.q_lo) q = r.q_hi; /* skip the rectangle's row */
            if (q < g->out_w) max_window(g, in, p, q, out, arg);
        }
    }
}

#if C4J_HAVE_AVX2
/* Where c4j_maxpool_s2_avx2 may run (stride 2 across, dilation 1): the outputs whose windows
 * lie wholly inside the plane and whose block of eight loads 16 floats a row, from column
 * 2q - pad_w + (j & ~1) for each even tap j, without reading past the row; at least eight a
 * row. Empty otherwise. All in 64 bits. */
static rect strided_rect(const c4j_pool_geom *g) {
    rect none = {0, 0, 0, 0}, r;
    if (g->stride_w != 2 || g->dil_h != 1 || g->dil_w != 1) return none;
    const int64_t width_left = (int64_t)g->w - 16 - ((g->kernel_w - 1) & ~1) + g->pad_w;
    const int64_t height_left = (int64_t)g->h - g->kernel_h + g->pad_h;
    if (width_left < 0 || height_left < 0) return none;
    const int64_t last_block = width_left / 2 < (int64_t)g->out_w - 8 ? width_left / 2 : (int64_t)g->out_w - 8;
    r.q_lo = (g->pad_w + 1) / 2;
    r.q_hi = last_block + 8;
    r.p_lo = ((int64_t)g->pad_h + g->stride_h - 1) / g->stride_h;
    r.p_hi = height_left / g->stride_h + 1 < g->out_h ? height_left / g->stride_h + 1 : g->out_h;
    return last_block >= r.q_lo && r.p_hi > r.p_lo ? r : none;
}

/* Where the values-only kernels (pool_kernel.h) may run: stride 2 across, a window 2 or 3 wide,
 * dilation 1; the outputs whose windows lie wholly inside the plane (window q's columns are
 * 2q - pad_w .. 2q - pad_w + kernel_w - 1, row p's p*stride_h - pad_h .. + kernel_h - 1). Empty
 * otherwise. All in 64 bits. */
static rect values_rect(const c4j_pool_geom *g) {
    rect none = {0, 0, 0, 0}, r;
    if (g->stride_w != 2 || (g->kernel_w != 2 && g->kernel_w != 3) || g->dil_h != 1 || g->dil_w != 1) return none;
    const int64_t cols_left = (int64_t)g->w + g->pad_w - g->kernel_w, rows_left = (int64_t)g->h + g->pad_h - g->kernel_h;
    if (cols_left < 0 || rows_left < 0) return none;
    r.q_lo = ((int64_t)g->pad_w + 1) / 2;
    r.q_hi = cols_left / 2 + 1 < g->out_w ? cols_left / 2 + 1 : g->out_w;
    r.p_lo = ((int64_t)g->pad_h + g->stride_h - 1) / g->stride_h;
    r.p_hi = rows_left / g->stride_h + 1 < g->out_h ? rows_left / g->stride_h + 1 : g->out_h;
    return r.q_hi > r.q_lo && r.p_hi > r.p_lo ? r : none;
}

/* c4j_maxpool_values_avx512 or _avx2 on one plane's rectangle r. */
static int values_fast(const c4j_pool_geom *g, const float *in, float *out, rect r) {
    if (c4j_avx512()) return c4j_maxpool_values_avx512(g, in, out, r.p_lo, r.p_hi, r.q_lo, r.q_hi);
    return c4j_maxpool_values_avx2(g, in, out, r.p_lo, r.p_hi, r.q_lo, r.q_hi);
}
#endif

/* c4j_maxpool2d_forward without an argmax: the same outputs, by the vector kernels where they run
 * (a plane holding a NaN redone by the general loop, which propagates it). */
static void max_values(const c4j_pool_geom *g, int32_t n_begin, int32_t n_end, const float *x, float *y) {
    const int64_t hw = (int64_t)g->h * g->w, pq = (int64_t)g->out_h * g->out_w;
    const rect none = {0, 0, 0, 0};
#if C4J_HAVE_AVX2
    const rect inside = c4j_fast() ? values_rect(g) : none;
#endif
    for (int64_t plane = (int64_t)n_begin * g->c; plane < (int64_t)n_end * g->c; ++plane) {
        const float *in = x + plane * hw;
        float *out = y + plane * pq;
#if C4J_HAVE_AVX2
        if (inside.p_hi > inside.p_lo && !values_fast(g, in, out, inside)) {
            max_outside(g, in, inside, out, NULL);
            continue;
        }
#endif
        max_outside(g, in, none, out, NULL);
    }
}

int c4j_maxpool2d_forward(const c4j_pool_geom *g, int32_t n_begin, int32_t n_end, const float *x, float *y,
                          int32_t *argmax) {
    if (!range_ok(g, n_begin, n_end)) return C4J_EBADARG;
    if (!argmax) {
        max_values(g, n_begin, n_end, x, y);
        return C4J_OK;
    }
    const int64_t hw = (int64_t)g->h * g->w, pq = (int64_t)g->out_h * g->out_w;
    const int two_by_two = is_2x2(g);
    const rect none = {0, 0, 0, 0};
#if C4J_HAVE_AVX2
    const rect strided = two_by_two ? none : strided_rect(g);
#endif
    for (int64_t plane = (int64_t)n_begin * g->c; plane < (int64_t)n_end * g->c; ++plane) {
        const float *in = x + plane * hw;
        float *out = y + plane * pq;
        int32_t *arg = argmax + plane * pq;
        /* the fast paths; a plane holding a NaN is redone by the general loop, which propagates it */
        if (two_by_two && !maxpool_2x2_any(g, in, out, arg)) continue;
#if C4J_HAVE_AVX2
        if (strided.p_hi > strided.p_lo && c4j_fast() &&
            !c4j_maxpool_s2_avx2(g, in, out, arg, strided.p_lo, strided.p_hi, strided.q_lo, strided.q_hi)) {
            max_outside(g, in, strided, out, arg);
            continue;
        }
#endif
        max_outside(g, in, none, out, arg);
    }
    return C4J_OK;
}

/* The gradient of output o: dy[o], or 0 where a fused ReLU before the pooling stopped it (y). */
static inline float passed(const float *dy, const float *y, int64_t o) {
    return y && !(y[o] > 0.0f) ? 0.0f : dy[o];
}


int c4j_maxpool2d_backward(const c4j_pool_geom *g, int32_t n_begin, int32_t n_end, const float *dy,
                           const int32_t *argmax, const float *y, float *dx) {
    if (!range_ok(g, n_begin, n_end)) return C4J_EBADARG;
    const int64_t hw = (int64_t)g->h * g->w, pq = (int64_t)g->out_h * g->out_w;
#if C4J_HAVE_AVX2
    if (is_2x2(g) && g->out_w >= 4 && c4j_fast()) {   /* rows of 4..7 windows: unpool_eight's short rows */
        for (int64_t plane = (int64_t)n_begin * g->c; plane < (int64_t)n_end * g->c; ++plane)
            c4j_unpool_2x2_avx2(g, dy + plane * pq, argmax + plane * pq, y ? y + plane * pq : NULL, dx + plane * hw);
        return C4J_OK;
    }
#endif
    memset(dx + (int64_t)n_begin * g->c * hw, 0, (size_t)((int64_t)(n_end - n_begin) * g->c * hw) * sizeof(float));
    for (int64_t plane = (int64_t)n_begin * g->c; plane < (int64_t)n_end * g->c; ++plane) {
        float *grad = dx + plane * hw;
        for (int64_t o = 0; o < pq; ++o) {
            int32_t idx = argmax[plane * pq + o];
            if ((uint64_t)(int64_t)idx < (uint64_t)hw) grad[idx] += passed(dy, y, plane * pq + o);
        }
    }
    return C4J_OK;
}

/* The window of output (p, q) clipped to the input, and PyTorch's divisor for it. All int64:
 * a window may start 2^31 before the input and span 2^31 taps, and its divisor (up to ~2^62
 * with count_include_pad) is a product of two such extents. */
typedef struct { int64_t h0, h1, w0, w1; float inv_count; } window;

static window avg_window(const c4j_pool_geom *g, int32_t count_include_pad, int64_t p, int64_t q) {
    window win;
    const int64_t h0 = p * g->stride_h - g->pad_h, w0 = q * g->stride_w - g->pad_w;
    int64_t h1 = h0 + g->kernel_h, w1 = w0 + g->kernel_w;
    /* count_include_pad counts the window clipped to the padded input, not to the input. */
    if (h1 > (int64_t)g->h + g->pad_h) h1 = (int64_t)g->h + g->pad_h;
    if (w1 > (int64_t)g->w + g->pad_w) w1 = (int64_t)g->w + g->pad_w;
    const int64_t padded = (h1 - h0) * (w1 - w0);
    win.h0 = h0 < 0 ? 0 : h0;
    win.w0 = w0 < 0 ? 0 : w0;
    win.h1 = h1 > g->h ? g->h : h1;
    win.w1 = w1 > g->w ? g->w : w1;
    /* an empty clipped window (all padding) has h1 < h0 possible: count it as 0 */
    const int64_t inside = win.h1 > win.h0 && win.w1 > win.w0 ? (win.h1 - win.h0) * (win.w1 - win.w0) : 0;
    const int64_t count = count_include_pad ? padded : inside;
    win.inv_count = count > 0 ? 1.0f / (float)count : 0.0f;
    return win;
}

int c4j_avgpool2d_forward(const c4j_pool_geom *g, int32_t count_include_pad, const float *x, float *y) {
    if (!geom_ok(g) || g->dil_h != 1 || g->dil_w != 1) return C4J_EBADARG;
    const int64_t hw = (int64_t)g->h * g->w, pq = (int64_t)g->out_h * g->out_w;
    for (int64_t plane = 0; plane < (int64_t)g->n * g->c; ++plane) {
        const float *in = x + plane * hw;
        for (int64_t p = 0; p < g->out_h; ++p)
            for (int64_t q = 0; q < g->out_w; ++q) {
                window win = avg_window(g, count_include_pad, p, q);
                float sum = 0.0f;
                for (int64_t i = win.h0; i < win.h1; ++i)
                    for (int64_t j = win.w0; j < win.w1; ++j) sum += in[i * g->w + j];
                y[plane * pq + p * g->out_w + q] = sum * win.inv_count;
            }
    }
    return C4J_OK;
}

int c4j_avgpool2d_backward(const c4j_pool_geom *g, int32_t count_include_pad, const float *dy, float *dx) {
    if (!geom_ok(g) || g->dil_h != 1 || g->dil_w != 1) return C4J_EBADARG;
    const int64_t hw = (int64_t)g->h * g->w, pq = (int64_t)g->out_h * g->out_w;
    memset(dx, 0, (size_t)((int64_t)g->n * g->c * hw) * sizeof(float));
    for (int64_t plane = 0; plane < (int64_t)g->n * g->c; ++plane) {
        float *grad = dx + plane * hw;
        for (int64_t p = 0; p < g->out_h; ++p)
            for (int64_t q = 0; q < g->out_w; ++q) {
                window win = avg_window(g, count_include_pad, p, q);
                float share = dy[plane * pq + p * g->out_w + q] * win.inv_count;
                for (int64_t i = win.h0; i < win.h1; ++i)
                    for (int64_t j = win.w0; j < win.w1; ++j) grad[i * g->w + j] += share;
            }
    }
    return C4J_OK;
}

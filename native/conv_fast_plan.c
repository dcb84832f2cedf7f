/* The fast convolution's plan (conv_fast.h): whether it may run a geometry, the sizes it works
 * with and the workspace it needs. Portable and on every platform, unlike the passes themselves
 * (conv_fast_kernel.h), whose dispatchers are here too: conv.c sizes the workspace for both paths whichever runs, since they can
 * be switched at run time. */
#include <string.h>
#include "conv_fast.h"
#include "cpu.h"

/* Column-matrix floats per channel block of the strided input gradient (stays in L2). */
enum { BLOCK_FLOATS = 48 * 1024 };

/* The pixel and tap tables are int32 and their sums index the padded copies of a chunk, so a
 * chunk's padded input (and padded dy) must stay below this many floats: int32 with room, and a
 * padded copy of at most 4 GB. */
#define TABLE_LIMIT ((int64_t)1 << 30)

/* Nor is a padded copy worth making when it is far larger than what the portable path lowers or
 * reads (a few pixels padded by 2^20): it must stay within this many times the larger of the
 * input and the column matrix. Ordinary layers (padding up to a kernel extent) are far inside. */
enum { PADDED_COPY_RATIO = 16 };

/* The input gradient as the flipped correlation of padded dy, one stride-1 correlation per
 * phase of the strides (conv_fast_kernel.h's input_grad_phased: at stride 1 a single phase),
 * where there are enough input channels to fill the vector columns and the windows touch or
 * overlap (stride <= kernel extent, so that every phase but a dilation's gaps has taps; a 1x1
 * stride-2 layer is one GEMM and a scatter either way); otherwise by lowering and col2im. */
static int flipped_input_grad(const c4j_conv_geom *g) {
    return g->c / g->groups >= 16 && g->stride_h <= (int64_t)(g->r - 1) * g->dil_h + 1 &&
           g->stride_w <= (int64_t)(g->s - 1) * g->dil_w + 1;
}

/* Where a unit may take the weight gradient by pixel rows (conv_fast_kernel.h's row_weight_grad,
 * for at most half a tile of output channels: 16 on AVX-512, 8 on AVX2), so that the plan holds
 * its per-lane partial sums, dwv: kg x rows vectors of C4J_CONV_MAX_LANES floats (147 KB for 3x3
 * 16->16). Portable, so both units see the same workspace; the one-channel direct kernel has
 * its own weight gradient (which keeps its partial sums in dwv too). */
static int row_dw_possible(const c4j_conv_geom *g) {
    return g->stride_w == 1 && g->k / g->groups <= 16 && !c4j_conv_one_channel(g);
}

/* The input gradient of one input channel and stride 1 by conv_direct_kernel.h's direct pass,
 * from dy itself and a row of zeros; otherwise (one channel and a vertical stride) it is
 * lowered too. */
static int direct_input_grad(const c4j_conv_geom *g) { return c4j_conv_one_channel(g) && g->stride_h == 1; }

/* Rows (or columns) of the padded input some window reads: the span the windows sweep. */
static int64_t swept(int32_t out, int32_t stride, int32_t kernel, int32_t dil) {
    return (int64_t)(out - 1) * stride + (int64_t)(kernel - 1) * dil + 1;
}

/* The rows (or columns) of padded dy the phased input gradient reads along one axis: dx row
 * y = ry + stride*a of phase ry (a < ceil((in - ry)/stride)) gathers dy rows a + e over the
 * taps i with ry + pad - i*dil = stride*e, one such phase ry < stride per tap. Returns in
 * margin the rows above dy's first (-min e, or 0) and in extent the rows from there to the last
 * one read (at least 1), which may stop short of dy's end or pass it. */
static void dy_span(int32_t in, int32_t stride, int32_t pad, int32_t kernel, int32_t dil, int64_t *margin,
                    int64_t *extent) {
    int64_t lo = 0, hi = 0;
    int any = 0;
    for (int64_t i = 0; i < kernel; ++i) {
        const int64_t x = (int64_t)pad - i * dil, ry = ((-x) % stride + stride) % stride;
        if (ry >= in) continue; /* a phase without dx rows */
        const int64_t e = (ry + x) / stride, last = (in - 1 - ry) / stride + e;
        lo = any && lo < e ? lo : e;
        hi = any && hi > last ? hi : last;
        any = 1;
    }
    *margin = any && lo < 0 ? -lo : 0;
    *extent = any ? *margin + hi + 1 : 1;
}

/* Rows of each of conv_direct_kernel.h's shifted planes (one per tap column and row phase
 * modulo stride_h): the padded input's rows of that phase. */
static int64_t shifted_rows(int64_t hp, int32_t stride_h) { return (hp + stride_h - 1) / stride_h; }


int64_t c4j_conv_fast_plan(const c4j_conv_geom *g, float *ws, c4j_conv_plan *p) {
    memset(p, 0, sizeof *p);
    p->g = g;
    p->cg = g->c / g->groups;
    p->kg = g->k / g->groups;
    p->rs = (int64_t)g->r * g->s;
    p->pq = (int64_t)g->out_h * g->out_w;
    p->hw = (int64_t)g->h * g->w;
    p->rows = p->cg * p->rs;
    p->hp = swept(g->out_h, g->stride_h, g->r, g->dil_h);
    p->wp = swept(g->out_w, g->stride_w, g->s, g->dil_w);
    dy_span(g->h, g->stride_h, g->pad_h, g->r, g->dil_h, &p->mh, &p->hq);
    dy_span(g->w, g->stride_w, g->pad_w, g->s, g->dil_w, &p->mw, &p->wq);
    int64_t per_channel = p->rs * p->pq, blk = BLOCK_FLOATS / per_channel;
    p->block = blk < 1 ? 1 : blk > p->cg ? p->cg : (int32_t)blk;
    const int64_t weights = (int64_t)g->groups * p->kg * p->rows, nb = g->chunk;
    const int flipped = p->flipped = flipped_input_grad(g), direct_dx = p->direct_dx = direct_input_grad(g);
    const int row_dw = p->row_dw = row_dw_possible(g), one = c4j_conv_one_channel(g);
    p->xplane = p->cg * p->hp * p->wp;
    p->xrows = one ? shifted_rows(p->hp, g->stride_h) : 0;
    p->xshift = (int64_t)g->s * g->stride_h * p->xrows * g->out_w;
    p->dyplane = flipped ? p->kg * p->hq * p->wq : 0;
    /* one image's phase planes, phase after phase, rows at most wq apart (the plane product
     * writes wq-wide rows, the pixel product wa-wide ones): only where the strides make phases */
    const int phased = flipped && (g->stride_h > 1 || g->stride_w > 1);
    const int64_t col_phases = c4j_stride_phases(g->stride_w, g->w);
    /* floats, then int32 tables (the same size as a float) */
    const int64_t sizes[] = {
        weights,                                        /* wt */
        flipped ? weights : 0,                          /* wflip */
        one ? 0 : nb * p->xplane,                       /* xpad (one channel: xsh instead) */
        nb * (p->pq * p->kg > p->hw * p->cg ? p->pq * p->kg : p->hw * p->cg), /* tmp */
        p->rows * p->kg,                                /* dwt */
        flipped ? nb * p->dyplane : direct_dx ? g->out_w : 0, /* dypad (direct_dx: a zero row) */
        flipped || direct_dx ? 0 : (int64_t)p->block * per_channel, /* col */
        nb * p->pq, p->rows,                            /* pix, tap */
        flipped ? nb * p->hw : 0, flipped ? (int64_t)p->kg * p->rs : 0, /* pix2, tap2 */
        row_dw || one ? (p->rows + one) * p->kg * C4J_CONV_MAX_LANES : 0, /* dwv (one channel: and db's) */
        phased ? p->cg * g->h * p->wq * col_phases : 0, /* phase */
        one ? nb * p->xshift + C4J_CONV_MAX_LANES : 0,  /* xsh (a vector of slack: rows are stored whole) */
    };
    float **areas[] = {&p->wt, &p->wflip, &p->xpad, &p->tmp, &p->dwt, &p->dypad, &p->col,
                       (float **)&p->pix, (float **)&p->tap, (float **)&p->pix2, (float **)&p->tap2, &p->dwv,
                       &p->phase, &p->xsh};
    int64_t used = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; ++i) {
        if (ws) *areas[i] = ws + used;
        used += sizes[i];
    }
    return used;
}

/* a*b, or `cap` + 1 when that is larger (a, b >= 0, a <= cap + 1): products of a chain of
 * factors compared with cap without ever leaving int64. */
static int64_t capped_mul(int64_t a, int64_t b, int64_t cap) {
    return b > 0 && a > cap / b ? cap + 1 : a * b;
}

/* chunk * channels * rows * cols < limit, never leaving int64. */
static int copy_fits(int64_t chunk, int64_t channels, int64_t rows, int64_t cols, int64_t limit) {
    const int64_t cap = limit - 1;
    return capped_mul(capped_mul(capped_mul(chunk, channels, cap), rows, cap), cols, cap) <= cap;
}

/* For a geometry conv.c's geom_ok accepted: the fast path may run it. Every pixel and tap table
 * value, and their sums (offsets into a chunk's padded copies), then lie in [0, TABLE_LIMIT)
 * (tap2 goes down to -(mh*wq + mw), its sum with pix2 stays >= 0), and every size c4j_conv_fast_plan
 * forms fits int64. Otherwise the portable path runs it. */
int c4j_conv_fast_fits(const c4j_conv_geom *g) {
    const int64_t cg = g->c / g->groups, kg = g->k / g->groups;
    const int64_t hp = swept(g->out_h, g->stride_h, g->r, g->dil_h), wp = swept(g->out_w, g->stride_w, g->s, g->dil_w);
    if (!copy_fits(g->chunk, cg, hp, wp, TABLE_LIMIT)) return 0;
    if (flipped_input_grad(g)) {
        int64_t mh, hq, mw, wq;
        dy_span(g->h, g->stride_h, g->pad_h, g->r, g->dil_h, &mh, &hq);
        dy_span(g->w, g->stride_w, g->pad_w, g->s, g->dil_w, &mw, &wq);
        if (!copy_fits(g->chunk, kg, hq, wq, TABLE_LIMIT)) return 0;
    }
    /* worth it: hp*wp < 2^30 now, and the plane sizes are below 2^31 (geom_ok) */
    const int64_t input = (int64_t)g->h * g->w, lowered = (int64_t)g->r * g->s * g->out_h * g->out_w;
    const int64_t most = PADDED_COPY_RATIO * (input > lowered ? input : lowered);
    if (c4j_conv_one_channel(g)) {
        /* the shifted planes instead of the padded copy: offsets into them are int32 too (the
         * tap table), and they are s*stride_h planes of out_w columns, more than hp*wp floats
         * where the kernel is wide */
        const int64_t rows = shifted_rows(hp, g->stride_h);
        return copy_fits(g->chunk, (int64_t)g->s * g->stride_h, rows, g->out_w, TABLE_LIMIT) &&
               (int64_t)g->s * g->stride_h * rows * g->out_w <= most;
    }
    return hp * wp <= most;
}

int64_t c4j_conv_fast_workspace(const c4j_conv_geom *g) {
    c4j_conv_plan p;
    return c4j_conv_fast_fits(g) ? c4j_conv_fast_plan(g, NULL, &p) : 0;
}

#if C4J_HAVE_AVX2
/* The passes on the widest ISA that may run: the AVX-512 units where c4j_avx512() is 1. */
int32_t c4j_conv_fast_pack(const c4j_conv_geom *g, const float *w, float *wt) {
    return c4j_avx512() ? c4j_conv_fast_pack_avx512(g, w, wt) : c4j_conv_fast_pack_avx2(g, w, wt);
}

void c4j_conv_fast_forward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                           const float *w, const float *packed, const float *b, float *y, float *workspace) {
    if (c4j_avx512())
        c4j_conv_fast_forward_avx512(g, n_begin, n_end, x, w, packed, b, y, workspace);
    else
        c4j_conv_fast_forward_avx2(g, n_begin, n_end, x, w, packed, b, y, workspace);
}

void c4j_conv_fast_backward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                            const float *w, const float *dy, float *dx, float *dw, float *db,
                            float *workspace) {
    if (c4j_avx512())
        c4j_conv_fast_backward_avx512(g, n_begin, n_end, x, w, dy, dx, dw, db, workspace);
    else
        c4j_conv_fast_backward_avx2(g, n_begin, n_end, x, w, dy, dx, dw, db, workspace);
}
#endif

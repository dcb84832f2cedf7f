/* The convolution on conv4j's own GEMM (gemm.h), read straight from a zero-padded copy of each
 * image instead of an im2col matrix.
 *
 * With the input padded, output pixel (p, q) and kernel tap (c, i, j) meet at one address:
 *     xpad[pix[p, q] + tap[c, i, j]],  pix = p*stride_h*Wp + q*stride_w,
 *                                      tap = c*Hp*Wp + i*dil_h*Wp + j*dil_w,
 * so each product is a GEMM whose A operand is read through these two offset tables, with no
 * lowered copy (25 copies of every pixel for a 5x5 kernel) to write and read back:
 *   forward      Y^T[pixel][k]  = sum over taps   xpad[pix + tap] * Wt[tap][k]
 *   weight grad  dWt[tap][k]   += sum over pixels xpad[tap + pix] * dyT[pix][k]
 *   input grad (stride 1) is the same correlation run backwards: dy padded by the kernel extent
 *                dxT[pixel][c]  = sum over (k, i, j) dypad[pix' + tap'] * Wflip[(k, i, j)][c]
 *                with tap' = k*Hq*Wq - i*dil_h*Wq - j*dil_w (plus the margins), no col2im;
 *   input grad (other strides, or under 16 input channels) = W^T . dy per block of channels,
 *                folded back by col2im.
 * Pixels are the GEMM rows (6 or 12 per register tile) and channels the vector columns (16 or 32), so the
 * result comes out pixel-major and is transposed into NCHW once per image (except where the
 * channels would fill at most one of the tile's two vectors: see by_rows): a few thousand
 * floats, against a depth of hundreds of taps per output. Each product covers g->chunk images
 * padded side by side (their pixel table spans them), so that small planes still make tall
 * products; the packed weights serve every image of the call.
 *
 * A one-channel input takes conv_direct_kernel.h's forward and weight gradient instead, and its
 * input gradient too at stride 1.
 *
 * Written once, included by one unit per ISA (conv_fast_avx2.c, conv_fast_avx512.c), which
 * defines first: C4J_CONV_PACK, C4J_CONV_FORWARD and C4J_CONV_BACKWARD (the passes' names, conv_fast.h),
 * C4J_GEMM (its gemm.h product), PANEL (that product's B panel width, gemm.h's NR) and what
 * conv_direct_kernel.h asks for. The
 * transposes stay 8x8 on ymm in both: they are a few percent of a layer. conv_fast_plan.c's
 * dispatchers call these passes only where the unit's ISA runs; the plan they follow is
 * portable, in conv_fast_plan.c. */
#include <string.h>
#include "conv_fast.h"
#include "gemm.h"
#include "window.h"

/* Depth block of the weight-gradient product (its depth is the chunk's pixels). Its C is the
 * whole kernel (2.65 MB for 3x3 192->384), read and written once per depth block, so it takes up
 * to 2048 pixels a block rather than gemm_kernel.h's KC, though its B panel then lives in L2, not L1.
 * Alternated in one process against 256: that product +3-8 % on 13x13 192->384, +1-2 % on 56x56
 * 64->64, level on 14x14 5x5 32->64; the forward and input-gradient products, whose C is
 * smaller, lost ~7 % with deep blocks and keep 256. */
enum { WEIGHT_GRAD_KC = 2048 };

/* dst[cols][rows] = src[rows][cols] (+ dst when add) (+ bias[col] when bias is not NULL), then
 * max(0, .) when relu (NaN gives 0, as the ReLU layer): moving a product between pixel-major and
 * NCHW. Whole 8x8 blocks are transposed in registers (8 loads, 24 shuffles, 8 stores); the
 * ragged edges element by element (transpose_edges). */
/* transpose() element by element, for the elements outside the first rows8 x cols8 block. */
static void transpose_edges(const float *src, int64_t rows, int64_t cols, float *dst, int add,
                            const float *bias, int relu, int64_t rows8, int64_t cols8) {
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = r < rows8 ? cols8 : 0; c < cols; ++c) {
            float v = src[r * cols + c] + (bias ? bias[c] : 0.0f);
            v = add ? dst[c * rows + r] + v : v;
            dst[c * rows + r] = relu ? (v > 0.0f ? v : 0.0f) : v;
        }
}

static void transpose(const float *src, int64_t rows, int64_t cols, float *dst, int add,
                      const float *bias, int relu) {
    const int64_t rows8 = rows & ~(int64_t)7, cols8 = cols & ~(int64_t)7;
    for (int64_t r0 = 0; r0 < rows8; r0 += 8)
        for (int64_t c0 = 0; c0 < cols8; c0 += 8) {
            const float *s = src + r0 * cols + c0;
            __m256 r[8], t[8];
            for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(s + i * cols);
            for (int i = 0; i < 8; i += 2) {
                t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
                t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
            }
            for (int i = 0; i < 8; i += 4) {
                r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
                r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
                r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
                r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
            }
            for (int i = 0; i < 4; ++i) {
                t[i] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x20);
                t[i + 4] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x31);
            }
            for (int i = 0; i < 8; ++i) {
                float *d = dst + (c0 + i) * rows + r0;
                __m256 v = t[i];
                if (add) v = _mm256_add_ps(v, _mm256_loadu_ps(d));
                if (bias) v = _mm256_add_ps(v, _mm256_set1_ps(bias[c0 + i]));
                if (relu) v = _mm256_max_ps(v, _mm256_setzero_ps()); /* NaN in v gives the 0 */
                _mm256_storeu_ps(d, v);
            }
        }
    transpose_edges(src, rows, cols, dst, add, bias, relu, rows8, cols8);
}

/* Rows first..first+len of B in column panels (gemm.h's b_panels; depth rows in all) from
 * src[j][t], j < n, t < len: one transpose per panel of PANEL columns. */
static void to_panels(const float *src, int64_t n, int64_t len, int64_t depth, int64_t first, float *dst) {
    for (int64_t j0 = 0; j0 < n; j0 += PANEL) {
        const int64_t w = n - j0 < PANEL ? n - j0 : PANEL;
        transpose(src + j0 * len, w, len, dst + j0 * depth + first * w, 0, NULL, 0);
    }
}

/* Sum of each of `rows` rows of len floats, added to out[row], 8 lanes at a time. */
static void add_row_sums(const float *m, int32_t rows, int64_t len, float *out) {
    for (int32_t k = 0; k < rows; ++k, m += len) {
        __m256 acc = _mm256_setzero_ps();
        int64_t i = 0;
        for (; i + 8 <= len; i += 8) acc = _mm256_add_ps(acc, _mm256_loadu_ps(m + i));
        float lanes[8], sum = 0.0f;
        _mm256_storeu_ps(lanes, acc);
        for (int j = 0; j < 8; ++j) sum += lanes[j];
        for (; i < len; ++i) sum += m[i];
        out[k] += sum;
    }
}

/* out[ch][hp][wp] = in[ch][h][w] shifted down by top and right by left, zeros around; rows and
 * columns of in that fall outside out are not copied. */
static void pad_planes(const float *in, int32_t channels, int32_t h, int32_t w, int64_t top,
                       int64_t left, int64_t hp, int64_t wp, float *out) {
    int64_t lo, hi;
    c4j_valid_range(-left, 1, w, wp, &lo, &hi); /* out columns that read an input column */
    for (int32_t c = 0; c < channels; ++c, in += (int64_t)h * w)
        for (int64_t y = 0; y < hp; ++y, out += wp) {
            const int64_t sy = y - top;
            if ((uint64_t)sy >= (uint64_t)h) {
                memset(out, 0, (size_t)wp * sizeof(float));
                continue;
            }
            memset(out, 0, (size_t)lo * sizeof(float));
            memcpy(out + lo, in + (int64_t)sy * w + lo - left, (size_t)(hi - lo) * sizeof(float));
            memset(out + hi, 0, (size_t)(wp - hi) * sizeof(float));
        }
}

/* The padded copies (p->xpad, side by side) of images n0..n0+nb-1 of x, group grp. */
static void pad_chunk(const c4j_conv_plan *p, const float *x, int32_t n0, int32_t nb, int32_t grp) {
    const c4j_conv_geom *g = p->g;
    for (int32_t i = 0; i < nb; ++i)
        pad_planes(x + ((int64_t)(n0 + i) * g->c + (int64_t)grp * p->cg) * p->hw, p->cg, g->h, g->w, g->pad_h,
                   g->pad_w, p->hp, p->wp, p->xpad + i * p->xplane);
}

#include "conv_direct_kernel.h"

/* pix[(n*out_h + p)*out_w + q] = n*image + p*step_h*row + q*step_w + base, for `images` images
 * padded side by side (image = the floats of one). Formed in 64 bits; c4j_conv_fast_fits keeps
 * each value in int32. */
static void pixel_table(int32_t images, int64_t image, int32_t out_h, int32_t out_w, int64_t step_h,
                        int64_t step_w, int64_t row, int64_t base, int32_t *pix) {
    for (int64_t n = 0; n < images; ++n)
        for (int64_t p = 0; p < out_h; ++p)
            for (int64_t q = 0; q < out_w; ++q)
                *pix++ = (int32_t)(n * image + base + p * step_h * row + q * step_w);
}

/* tap[(c*r + i)*s + j] = c*plane + sign*(i*dil_h*row + j*dil_w) + base (64 bits, as above). */
static void tap_table(int32_t channels, int32_t r, int32_t s, int64_t dil_h, int64_t dil_w,
                      int64_t row, int64_t plane, int32_t sign, int64_t base, int32_t *tap) {
    for (int64_t c = 0; c < channels; ++c)
        for (int64_t i = 0; i < r; ++i)
            for (int64_t j = 0; j < s; ++j)
                *tap++ = (int32_t)(c * plane + base + sign * (i * dil_h * row + j * dil_w));
}

/* y[k][j] += bias[k] (bias not NULL), then max(0, .) when relu (NaN gives 0), over kg planes of pq. */
static void bias_relu(float *y, int32_t kg, int64_t pq, const float *bias, int relu) {
    for (int32_t k = 0; k < kg; ++k, y += pq)
        for (int64_t j = 0; j < pq; ++j) {
            float v = bias ? y[j] + bias[k] : y[j];
            y[j] = relu ? (v > 0.0f ? v : 0.0f) : v;
        }
}

/* Whether a product of `channels` vector columns (the pixel-major form below) would fill at most
 * half of the tile's two vectors, while the correlation it computes could take its output
 * pixels as the columns instead: stride 1 along the row, so a row of output pixels reads a
 * contiguous run of each padded input row. The row products then compute channels x out_w per
 * output row straight into NCHW, B read through the tap table (gemm.h's b_steps): on AVX-512
 * 16 channels made half-empty 12x32 tiles, or narrow_tile's one broadcast per FMA. */
static int by_rows(int32_t channels, int32_t stride_w) { return 2 * channels <= PANEL && stride_w == 1; }

/* out[ch][p][q] = sum over taps of wa(tap, ch) * xpad[p*step_h*wp + tap[t] + q] for one padded
 * image (xpad) and `channels` output planes of out_h x out_w: one product per output row. */
static void row_products(const float *xpad, int64_t wp, int32_t step_h, const int32_t *tap, int64_t taps,
                         const float *wa, int64_t wa_t, int64_t wa_i, int32_t channels, int32_t out_h,
                         int32_t out_w, float *out) {
    for (int32_t r = 0; r < out_h; ++r) {
        c4j_gemm_args m = {.m = channels, .n = out_w, .depth = taps, .a = wa, .a_t = wa_t, .a_i = wa_i,
                           .b = xpad + (int64_t)r * step_h * wp, .b_steps = tap,
                           .c = out + (int64_t)r * out_w, .c_i = (int64_t)out_h * out_w};
        C4J_GEMM(&m);
    }
}

/* The weight gradient by pixel rows, where by_rows holds for the output channels (at most half a
 * tile of them, stride 1 along the row): the narrow GEMM tile it replaces took taps as rows and
 * channels as its one vector, one broadcast of the image per FMA from 16 separate tap offsets
 * (165 GFLOP/s on one core for 3x3 16->16 at 32x32, against ~200 for the forward), plus a
 * transpose of dy to pixel-major. Here the vectors run along an output row instead, q..q+VW, read
 * straight from NCHW dy and from the padded image at each tap's shift:
 *     dW[k][tap] += sum over (image, p, q) dy[k][p][q] * xpad[p*stride_h*wp + tap[t] + q]
 * in tiles of RDW_KB channels x RDW_TB taps (AVX-512: 4 x 6, 24 accumulators), RDW_KB + RDW_TB
 * loads per RDW_KB * RDW_TB FMAs and no broadcast. Each accumulator holds VW per-lane partial
 * sums; they stay in the plan's dwv across the chunks of a call and are summed across lanes
 * once, at the end (row_weight_grad_sum), so the result does not depend on the chunk. Lanes
 * past out_w are masked to zero in both operands. A tile at the edge of the channels or taps
 * repeats the last one (the same sums, computed twice, stored once) rather than needing a
 * variant per size. */
#if RDW_KB > 4 || RDW_TB > 6
#error "row_weight_grad names tiles of 4 channels x 6 taps at most"
#endif
#define RDW_ROW(kk) (RDW_KB > kk)
#define RDW_DECL(kk)                                                                          \
    dvec acc##kk##0 = D_ZERO(), acc##kk##1 = acc##kk##0, acc##kk##2 = acc##kk##0,            \
         acc##kk##3 = acc##kk##0, acc##kk##4 = acc##kk##0, acc##kk##5 = acc##kk##0;
#define RDW_ONE(kk, tt, op)                                                                   \
    if (RDW_ROW(kk) && RDW_TB > tt) op(kk, tt)
#define RDW_EACH(op)                                                                          \
    RDW_ONE(0, 0, op) RDW_ONE(0, 1, op) RDW_ONE(0, 2, op) RDW_ONE(0, 3, op) RDW_ONE(0, 4, op) RDW_ONE(0, 5, op) \
    RDW_ONE(1, 0, op) RDW_ONE(1, 1, op) RDW_ONE(1, 2, op) RDW_ONE(1, 3, op) RDW_ONE(1, 4, op) RDW_ONE(1, 5, op) \
    RDW_ONE(2, 0, op) RDW_ONE(2, 1, op) RDW_ONE(2, 2, op) RDW_ONE(2, 3, op) RDW_ONE(2, 4, op) RDW_ONE(2, 5, op) \
    RDW_ONE(3, 0, op) RDW_ONE(3, 1, op) RDW_ONE(3, 2, op) RDW_ONE(3, 3, op) RDW_ONE(3, 4, op) RDW_ONE(3, 5, op)
#define RDW_LOAD_SUM(kk, tt) acc##kk##tt = D_LOAD(sums[kk][tt]);
#define RDW_STORE_SUM(kk, tt) if (keep[kk][tt]) D_STORE(sums[kk][tt], acc##kk##tt);
/* One vector of output row pixels: dy of each channel, then each tap's image vector times them. */
#define RDW_DY(kk, LD) const dvec d##kk = RDW_ROW(kk) ? LD(dr + dyo[kk] + q) : D_ZERO();
#define RDW_TAP(tt, LD)                                                                       \
    if (RDW_TB > tt) {                                                                        \
        const dvec xv = LD(xr + off[tt] + q);                                                 \
        if (RDW_ROW(0)) acc0##tt = D_FMA(d0, xv, acc0##tt);                                   \
        if (RDW_ROW(1)) acc1##tt = D_FMA(d1, xv, acc1##tt);                                   \
        if (RDW_ROW(2)) acc2##tt = D_FMA(d2, xv, acc2##tt);                                   \
        if (RDW_ROW(3)) acc3##tt = D_FMA(d3, xv, acc3##tt);                                   \
    }
#define RDW_STEP(LD)                                                                          \
    {                                                                                         \
        RDW_DY(0, LD) RDW_DY(1, LD) RDW_DY(2, LD) RDW_DY(3, LD)                               \
        RDW_TAP(0, LD) RDW_TAP(1, LD) RDW_TAP(2, LD) RDW_TAP(3, LD) RDW_TAP(4, LD) RDW_TAP(5, LD) \
    }
#define RDW_MASKED(ptr) D_LOADM(ptr, tail)

/* One tile over the nb images of a chunk: dy at the chunk's first image and the group, dy rows
 * dyo[kk] floats in, image taps off[tt] floats into each padded image; sums[kk][tt] the
 * tile's dwv vectors, loaded unless first, stored where keep[kk][tt]. */
static void rdw_tile(const c4j_conv_plan *p, const float *xpad, const float *dy, int32_t nb,
                     const int64_t dyo[RDW_KB], const int64_t off[RDW_TB], float *const sums[RDW_KB][RDW_TB],
                     const int keep[RDW_KB][RDW_TB], int first) {
    const c4j_conv_geom *g = p->g;
    RDW_DECL(0) RDW_DECL(1) RDW_DECL(2) RDW_DECL(3)
    if (!first) { RDW_EACH(RDW_LOAD_SUM) }
    const int64_t out_w = g->out_w, full = out_w / VW * VW, next = (int64_t)g->stride_h * p->wp,
                  dy_image = (int64_t)g->k * p->pq;
    const dmask tail = D_MASK(out_w - full);
    for (int32_t i = 0; i < nb; ++i) {
        const float *xr = xpad + i * p->xplane, *dr = dy + i * dy_image;
        for (int32_t y = 0; y < g->out_h; ++y, xr += next, dr += out_w) {
            int64_t q = 0;
            for (; q < full; q += VW) RDW_STEP(D_LOAD)
            if (q < out_w) RDW_STEP(RDW_MASKED)
        }
    }
    RDW_EACH(RDW_STORE_SUM)
}

/* The weight-gradient tiles of one chunk (nb images padded in p->xpad, dy at its first image and
 * the group) into p->dwv, which the call's first chunk (first) sets. */
static void row_weight_grad(const c4j_conv_plan *p, const float *dy, int32_t nb, int first) {
    for (int64_t k0 = 0; k0 < p->kg; k0 += RDW_KB)
        for (int64_t t0 = 0; t0 < p->rows; t0 += RDW_TB) {
            int64_t dyo[RDW_KB], off[RDW_TB];
            float *sums[RDW_KB][RDW_TB];
            int keep[RDW_KB][RDW_TB];
            for (int kk = 0; kk < RDW_KB; ++kk) {
                const int64_t k = k0 + kk < p->kg ? k0 + kk : p->kg - 1;
                dyo[kk] = k * p->pq;
                for (int tt = 0; tt < RDW_TB; ++tt) {
                    const int64_t t = t0 + tt < p->rows ? t0 + tt : p->rows - 1;
                    off[tt] = p->tap[t];
                    sums[kk][tt] = p->dwv + (k * p->rows + t) * VW;
                    keep[kk][tt] = k0 + kk < p->kg && t0 + tt < p->rows;
                }
            }
            rdw_tile(p, p->xpad, dy, nb, dyo, off, sums, keep, first);
        }
}

/* dw[k][tap] += the lanes of dwv's partial sums for (k, tap), over one group's kg x rows. */
static void row_weight_grad_sum(const c4j_conv_plan *p, float *dw) {
    for (int64_t e = 0; e < p->kg * p->rows; ++e) dw[e] += D_SUM(D_LOAD(p->dwv + e * VW));
}

/* Whether this unit takes the weight gradient by pixel rows (the plan then holds dwv). */
static int rows_weight_grad(const c4j_conv_plan *p) { return p->row_dw && by_rows(p->kg, p->g->stride_w); }

/* The forward's B operand: W of every group as PANEL-wide column panels, group after group (the
 * plan's wt area; K x C/groups x R x S floats in all), written to wt unless it is NULL; returns
 * PANEL, or 0 where the forward reads W itself (the one-channel direct kernel, the row products)
 * and nothing is written. A layer keeps this packing across calls while W is unchanged
 * (c4j_conv2d_pack): 9.4 MB for a 3x3 512->512 layer, which at 7x7 pixels a call took longer to
 * pack than to multiply. */
int32_t C4J_CONV_PACK(const c4j_conv_geom *g, const float *w, float *wt) {
    const int64_t kg = g->k / g->groups, rows = (int64_t)(g->c / g->groups) * g->r * g->s;
    if (c4j_conv_one_channel(g) || by_rows((int32_t)kg, g->stride_w)) return 0;
    if (wt)
        for (int32_t grp = 0; grp < g->groups; ++grp)
            to_panels(w + (int64_t)grp * kg * rows, kg, rows, rows, 0, wt + (int64_t)grp * rows * kg);
    return PANEL;
}

void C4J_CONV_FORWARD(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                           const float *w, const float *packed, const float *b, float *y, float *workspace) {
    c4j_conv_plan p;
    c4j_conv_fast_plan(g, workspace, &p);
    if (c4j_conv_one_channel(g)) {
        direct_forward(&p, n_begin, n_end, x, w, b, y);
        return;
    }
    if (!packed && C4J_CONV_PACK(g, w, p.wt)) packed = p.wt;
    pixel_table(g->chunk, p.xplane, g->out_h, g->out_w, g->stride_h, g->stride_w, p.wp, 0, p.pix);
    tap_table(p.cg, g->r, g->s, g->dil_h, g->dil_w, p.wp, p.hp * p.wp, 1, 0, p.tap);
    for (int32_t n0 = n_begin; n0 < n_end; n0 += g->chunk) {
        const int32_t nb = n_end - n0 < g->chunk ? n_end - n0 : g->chunk;
        for (int32_t grp = 0; grp < g->groups; ++grp) {
            pad_chunk(&p, x, n0, nb, grp);
            if (by_rows(p.kg, g->stride_w)) {
                for (int32_t i = 0; i < nb; ++i) {
                    float *yi = y + ((int64_t)(n0 + i) * g->k + (int64_t)grp * p.kg) * p.pq;
                    row_products(p.xpad + i * p.xplane, p.wp, g->stride_h, p.tap, p.rows,
                                 w + (int64_t)grp * p.kg * p.rows, 1, p.rows, p.kg, g->out_h, g->out_w, yi);
                    if (b || g->relu) bias_relu(yi, p.kg, p.pq, b ? b + (int64_t)grp * p.kg : NULL, g->relu);
                }
                continue;
            }
            c4j_gemm_args m = {.m = nb * p.pq, .n = p.kg, .depth = p.rows, .a = p.xpad,
                               .a_steps = p.tap, .a_rows = p.pix,
                               .b = packed + (int64_t)grp * p.rows * p.kg, .b_panels = 1,
                               .c = p.tmp, .c_i = p.kg};
            C4J_GEMM(&m);
            for (int32_t i = 0; i < nb; ++i) {
                float *yi = y + ((int64_t)(n0 + i) * g->k + (int64_t)grp * p.kg) * p.pq;
                transpose(p.tmp + i * p.pq * p.kg, p.pq, p.kg, yi, 0, b ? b + (int64_t)grp * p.kg : NULL, g->relu);
            }
        }
    }
}

/* dx of images n0.. (nb of them) and one group for stride 1: the correlation of padded dy with
 * the flipped kernel. */
static void input_grad_flipped(const c4j_conv_plan *p, const float *dy, const float *wflip, int32_t n0,
                               int32_t nb, int32_t grp, float *dx) {
    const c4j_conv_geom *g = p->g;
    for (int32_t i = 0; i < nb; ++i)
        pad_planes(dy + ((int64_t)(n0 + i) * g->k + (int64_t)grp * p->kg) * p->pq, p->kg, g->out_h,
                   g->out_w, p->mh, p->mw, p->hq, p->wq, p->dypad + i * p->dyplane);
    if (by_rows(p->cg, 1)) {
        /* pix2's offset of dx pixel (0, 0), as pixel_table gave it in C4J_CONV_BACKWARD */
        const int64_t base = (g->pad_h + p->mh) * p->wq + g->pad_w + p->mw;
        for (int32_t i = 0; i < nb; ++i)
            row_products(p->dypad + i * p->dyplane + base, p->wq, 1, p->tap2, (int64_t)p->kg * p->rs, wflip, p->cg, 1,
                         p->cg, g->h, g->w, dx + ((int64_t)(n0 + i) * g->c + (int64_t)grp * p->cg) * p->hw);
        return;
    }
    c4j_gemm_args m = {.m = nb * p->hw, .n = p->cg, .depth = (int64_t)p->kg * p->rs, .a = p->dypad,
                       .a_steps = p->tap2, .a_rows = p->pix2, .b = wflip, .b_panels = 1,
                       .c = p->tmp, .c_i = p->cg};
    C4J_GEMM(&m);
    for (int32_t i = 0; i < nb; ++i)
        transpose(p->tmp + i * p->hw * p->cg, p->hw, p->cg,
                  dx + ((int64_t)(n0 + i) * g->c + (int64_t)grp * p->cg) * p->hw, 0, NULL, 0);
}

/* dx of one image and group by lowering: W^T . dy per block of channels, folded back by col2im.
 * For strides other than 1, and for few input channels (the flipped correlation's vector
 * columns are the input channels: one channel would use 1 lane in 16). */
static void input_grad_lowered(const c4j_conv_plan *p, const float *wg, const float *dyi, float *dxi) {
    const c4j_conv_geom *g = p->g;
    memset(dxi, 0, (size_t)((int64_t)p->cg * p->hw) * sizeof(float));
    for (int32_t c0 = 0; c0 < p->cg; c0 += p->block) {
        const int32_t nc = p->cg - c0 < p->block ? p->cg - c0 : p->block;
        c4j_gemm_args m = {.m = (int64_t)nc * p->rs, .n = p->pq, .depth = p->kg,
                           .a = wg + (int64_t)c0 * p->rs, .a_t = p->rows, .a_i = 1, .b = dyi,
                           .b_t = p->pq, .c = p->col, .c_i = p->pq};
        C4J_GEMM(&m);
        c4j_col2im(p->col, nc, g->h, g->w, g->r, g->s, g->pad_h, g->pad_w, g->stride_h, g->stride_w,
                   g->dil_h, g->dil_w, g->out_h, g->out_w, dxi + (int64_t)c0 * p->hw, p->pq);
    }
}

void C4J_CONV_BACKWARD(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                            const float *w, const float *dy, float *dx, float *dw, float *db,
                            float *workspace) {
    c4j_conv_plan p;
    c4j_conv_fast_plan(g, workspace, &p);
    const int flipped = p.flipped, direct = dw && c4j_conv_one_channel(g), by_row_dw = dw && !direct && rows_weight_grad(&p);
    const int direct_db = db && c4j_conv_one_channel(g); /* db by per-lane sums, with dw or alone */
    if (direct) shift_taps(&p);
    if (dw && !direct) {
        if (!by_row_dw)
            pixel_table(g->chunk, p.xplane, g->out_h, g->out_w, g->stride_h, g->stride_w, p.wp, 0, p.pix);
        tap_table(p.cg, g->r, g->s, g->dil_h, g->dil_w, p.wp, p.hp * p.wp, 1, 0, p.tap);
    }
    if (dx && flipped) {
        /* dx[c][y][x] gathers dy[k][y + pad_h - i*dil_h][x + pad_w - j*dil_w]: in dypad (margins
         * mh, mw) that is row y + pad_h + mh - i*dil_h, column x + pad_w + mw - j*dil_w */
        pixel_table(g->chunk, p.dyplane, g->h, g->w, 1, 1, p.wq, (g->pad_h + p.mh) * p.wq + g->pad_w + p.mw, p.pix2);
        tap_table(p.kg, g->r, g->s, g->dil_h, g->dil_w, p.wq, p.hq * p.wq, -1, 0, p.tap2);
        /* wflip[(k*r + i)*s + j][c] = w[k][c][i][j], per group, in column panels of c */
        const int64_t depth = (int64_t)p.kg * p.rs;
        for (int32_t grp = 0; grp < g->groups; ++grp) {
            const float *wg = w + (int64_t)grp * p.kg * p.rows;
            float *wf = p.wflip + (int64_t)grp * p.kg * p.rows;
            for (int32_t c0 = 0; c0 < p.cg; c0 += PANEL) {
                const int32_t width = p.cg - c0 < PANEL ? p.cg - c0 : PANEL;
                float *panel = wf + c0 * depth;
                for (int32_t k = 0; k < p.kg; ++k)
                    for (int32_t c = c0; c < c0 + width; ++c)
                        for (int32_t t = 0; t < p.rs; ++t)
                            panel[((int64_t)k * p.rs + t) * width + c - c0] = wg[(int64_t)k * p.rows + (int64_t)c * p.rs + t];
            }
        }
    }
    for (int32_t grp = 0; grp < g->groups; ++grp) {
        const float *wg = w + (int64_t)grp * p.kg * p.rows;
        for (int32_t n0 = n_begin; n0 < n_end; n0 += g->chunk) {
            const int32_t nb = n_end - n0 < g->chunk ? n_end - n0 : g->chunk;
            if (direct_db && !direct) direct_bias_grad(&p, dy, n0, nb, n0 == n_begin);
            else if (db && !direct) /* (the direct weight gradient sums db as it goes) */
                for (int32_t i = 0; i < nb; ++i)
                    add_row_sums(dy + ((int64_t)(n0 + i) * g->k + (int64_t)grp * p.kg) * p.pq, p.kg, p.pq,
                                 db + (int64_t)grp * p.kg);
            if (direct) {
                direct_weight_grad(&p, x, dy, n0, nb, db != NULL, n0 == n_begin);
            } else if (by_row_dw) {
                pad_chunk(&p, x, n0, nb, grp);
                row_weight_grad(&p, dy + ((int64_t)n0 * g->k + (int64_t)grp * p.kg) * p.pq, nb, n0 == n_begin);
            } else if (dw) {
                for (int32_t i = 0; i < nb; ++i) {
                    pad_planes(x + ((int64_t)(n0 + i) * g->c + (int64_t)grp * p.cg) * p.hw, p.cg, g->h,
                               g->w, g->pad_h, g->pad_w, p.hp, p.wp, p.xpad + i * p.xplane);
                    to_panels(dy + ((int64_t)(n0 + i) * g->k + (int64_t)grp * p.kg) * p.pq, p.kg, p.pq,
                              nb * p.pq, i * p.pq, p.tmp);
                }
                c4j_gemm_args m = {.m = p.rows, .n = p.kg, .depth = nb * p.pq, .a = p.xpad,
                                   .a_steps = p.pix, .a_rows = p.tap, .b = p.tmp, .b_panels = 1,
                                   .c = p.dwt, .c_i = p.kg, .accumulate = n0 > n_begin, /* the first chunk sets dwt */
                                   .kc = WEIGHT_GRAD_KC};
                C4J_GEMM(&m);
            }
            if (dx && p.direct_dx) {
                direct_input_grad(&p, w, dy, n0, nb, dx);
            } else if (dx && flipped) {
                input_grad_flipped(&p, dy, p.wflip + (int64_t)grp * p.kg * p.rows, n0, nb, grp, dx);
            } else if (dx) {
                for (int32_t i = 0; i < nb; ++i)
                    input_grad_lowered(&p, wg, dy + ((int64_t)(n0 + i) * g->k + (int64_t)grp * p.kg) * p.pq,
                                       dx + ((int64_t)(n0 + i) * g->c + (int64_t)grp * p.cg) * p.hw);
            }
        }
        if (by_row_dw || direct) row_weight_grad_sum(&p, dw + (int64_t)grp * p.kg * p.rows); /* both keep dwv */
        else if (dw) transpose(p.dwt, p.rows, p.kg, dw + (int64_t)grp * p.kg * p.rows, 1, NULL, 0);
        if (direct_db) direct_bias_sum(&p, db);
    }
}

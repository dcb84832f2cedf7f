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
 *   input grad (16 input channels or more) is the same correlation run backwards, per phase of
 *                the strides (input_grad_phased): dy padded by the reach of the taps,
 *                dxT[pixel][c]  = sum over (k, i, j) dypad[pix' + tap'] * Wflip[(k, i, j)][c]
 *                with tap' = k*Hq*Wq + e_i*Wq + e_j over the phase's taps, no col2im;
 *   input grad (fewer input channels, or strides past the kernel extent) = W^T . dy per block
 *                of channels, folded back by col2im.
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
#include "bias_relu.h"
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

/* dst[0..n) = src[0..n), or zeros where src is NULL, by whole unmasked vectors, the last one
 * overlapping the one before (then 8, 4 or single floats for short runs). The padded rows are a
 * few dozen floats, where a call of the C library's memcpy and two of its memset a row cost more
 * than the copy: 3x3 16->16 at 32x32 on one core, forward 1.60-1.73 -> 1.52-1.56 ms and weight
 * gradient 1.73-1.85 -> 1.61-1.65 per 64 images (32->32 at 16x16: 2-3 %). Tails by masked stores
 * instead of the overlap were faster at 32x32 but took twice the library's time on 13x13 rows
 * (perf: 3.1 % of a 192->384 forward against 1.5 %), likely as the product's loads that soon read
 * those floats cannot be forwarded from a masked store. */
static void copy_or_zero(float *dst, const float *src, int64_t n) {
    if (n >= VW) {
        for (int64_t i = 0; i + VW < n; i += VW) D_STORE(dst + i, src ? D_LOAD(src + i) : D_ZERO());
        D_STORE(dst + n - VW, src ? D_LOAD(src + n - VW) : D_ZERO());
    } else if (n >= 8) {
        _mm256_storeu_ps(dst, src ? _mm256_loadu_ps(src) : _mm256_setzero_ps());
        _mm256_storeu_ps(dst + n - 8, src ? _mm256_loadu_ps(src + n - 8) : _mm256_setzero_ps());
    } else if (n >= 4) {
        _mm_storeu_ps(dst, src ? _mm_loadu_ps(src) : _mm_setzero_ps());
        _mm_storeu_ps(dst + n - 4, src ? _mm_loadu_ps(src + n - 4) : _mm_setzero_ps());
    } else {
        if (n > 0) dst[0] = src ? src[0] : 0.0f;
        if (n > 1) dst[1] = src ? src[1] : 0.0f;
        if (n > 2) dst[2] = src ? src[2] : 0.0f;
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
                copy_or_zero(out, NULL, wp);
                continue;
            }
            copy_or_zero(out, NULL, lo);
            copy_or_zero(out + lo, in + (int64_t)sy * w + lo - left, hi - lo);
            copy_or_zero(out + hi, NULL, wp - hi);
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

/* Whether a product of `channels` vector columns (the pixel-major form below) would fill at most
 * half of the tile's two vectors, while the correlation it computes could take its output
 * pixels as the columns instead: stride 1 along the row, so a row of output pixels reads a
 * contiguous run of each padded input row. The row products then compute channels x out_w per
 * output row straight into NCHW, B read through the tap table (gemm.h's b_steps): on AVX-512
 * 16 channels made half-empty 12x32 tiles, or narrow_tile's one broadcast per FMA. */
static int by_rows(int32_t channels, int32_t stride_w) { return 2 * channels <= PANEL && stride_w == 1; }

/* The next chunk's input (src_len floats at src, or none), prefetched a slice at a time while
 * this chunk's products run (c4j_prefetch_part), so that the copy that pads it does not wait on
 * memory: in a training step it was written long before. Prefetching the lines the next chunk
 * will store to as well took the gain away again (3x3 16->16 at 32x32, one core, caches flushed:
 * forward 1.58-1.64 -> 1.82-1.92 ms): L1 is 48 KB and an image's input alone 64 KB. */
typedef struct {
    const float *src;
    int64_t src_len;
} next_chunk;

static void prefetch_next(const next_chunk *nc, int64_t part, int64_t parts) {
    c4j_prefetch_part(nc->src, nc->src_len, part, parts);
}

/* The next chunk of images after images n0..n0+nb-1 (at most `chunk` of them, none past n_end),
 * `in` floats of src an image; none with groups (a chunk then runs group after group). */
static next_chunk next_chunk_of(const float *src, int64_t in, int32_t n0, int32_t nb, int32_t n_end, int32_t chunk,
                                int32_t groups) {
    const int64_t left = n_end - (int64_t)n0 - nb, n = groups == 1 ? (left < chunk ? left : chunk) : 0;
    next_chunk nc = {NULL, 0};
    if (n > 0 && src) nc.src = src + (n0 + nb) * in, nc.src_len = n * in;
    return nc;
}

/* out[ch][p][q] = sum over taps of wa(tap, ch) * xpad[p*step_h*wp + tap[t] + q] for one padded
 * image (xpad) and `channels` output planes of out_h x out_w: one product per output row, after
 * each a slice of the next chunk prefetched, this image being part `part` of `parts`. Only the
 * row and plane products prefetch: the same hook in the GEMM's tile loop (the pixel products of
 * 32 and 64 channels, chunks of 4 and 16 images) measured nothing (docs/bench-notes/resnet10.md). */
static void row_products(const float *xpad, int64_t wp, int32_t step_h, const int32_t *tap, int64_t taps,
                         const float *wa, int64_t wa_t, int64_t wa_i, int32_t channels, int32_t out_h,
                         int32_t out_w, float *out, const next_chunk *nc, int64_t part, int64_t parts) {
    for (int32_t r = 0; r < out_h; ++r) {
        prefetch_next(nc, part * out_h + r, parts * out_h);
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
#define RDW_DY(kk, LD) const dvec d##kk = RDW_ROW(kk) ? LD(dp##kk + q) : D_ZERO();
#define RDW_TAP(tt, LD)                                                                       \
    if (RDW_TB > tt) {                                                                        \
        const dvec xv = LD(xp##tt + q);                                                       \
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
 * tile's dwv vectors, loaded unless first, stored where keep[kk][tt]. Its loop needs 10 row
 * pointers and its counters in the 16 general registers: written as base + offset per row and
 * inlined into C4J_CONV_BACKWARD, GCC kept them there only while that function was small (when
 * the input gradient by phases joined it, four went to the stack: 3x3 16->16 at 32x32, one core,
 * 1.76-1.89 -> 2.16-2.28 ms per 64 images). So it is its own function, and each row pointer a
 * variable moved on per row: 1.57-1.60 ms, against 1.63-1.94 for the base in the same series. */
#if defined(_MSC_VER)
__declspec(noinline)
#else
__attribute__((noinline))
#endif
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
        /* the tile's rows, each a pointer moved on per output row */
        const float *xr = xpad + i * p->xplane, *dr = dy + i * dy_image;
        const float *dp0 = dr + dyo[0], *dp1 = dr + dyo[RDW_KB > 1], *dp2 = dr + dyo[RDW_KB > 2 ? 2 : 0],
                    *dp3 = dr + dyo[RDW_KB > 3 ? 3 : 0];
        const float *xp0 = xr + off[0], *xp1 = xr + off[RDW_TB > 1], *xp2 = xr + off[RDW_TB > 2 ? 2 : 0],
                    *xp3 = xr + off[RDW_TB > 3 ? 3 : 0], *xp4 = xr + off[RDW_TB > 4 ? 4 : 0],
                    *xp5 = xr + off[RDW_TB > 5 ? 5 : 0];
        for (int32_t y = 0; y < g->out_h; ++y) {
            int64_t q = 0;
            for (; q < full; q += VW) RDW_STEP(D_LOAD)
            if (q < out_w) RDW_STEP(RDW_MASKED)
            dp0 += out_w; dp1 += out_w; dp2 += out_w; dp3 += out_w;
            xp0 += next; xp1 += next; xp2 += next; xp3 += next; xp4 += next; xp5 += next;
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
    if (!by_rows(p.kg, g->stride_w)) /* the row products read the image rows themselves */
        pixel_table(g->chunk, p.xplane, g->out_h, g->out_w, g->stride_h, g->stride_w, p.wp, 0, p.pix);
    tap_table(p.cg, g->r, g->s, g->dil_h, g->dil_w, p.wp, p.hp * p.wp, 1, 0, p.tap);
    for (int32_t n0 = n_begin; n0 < n_end; n0 += g->chunk) {
        const int32_t nb = n_end - n0 < g->chunk ? n_end - n0 : g->chunk;
        const next_chunk nc = next_chunk_of(x, (int64_t)g->c * p.hw, n0, nb, n_end, g->chunk, g->groups);
        for (int32_t grp = 0; grp < g->groups; ++grp) {
            pad_chunk(&p, x, n0, nb, grp);
            if (by_rows(p.kg, g->stride_w)) {
                for (int32_t i = 0; i < nb; ++i) {
                    float *yi = y + ((int64_t)(n0 + i) * g->k + (int64_t)grp * p.kg) * p.pq;
                    row_products(p.xpad + i * p.xplane, p.wp, g->stride_h, p.tap, p.rows,
                                 w + (int64_t)grp * p.kg * p.rows, 1, p.rows, p.kg, g->out_h, g->out_w, yi, &nc, i,
                                 nb);
                    c4j_bias_relu(yi, p.kg, p.pq, b ? b + (int64_t)grp * p.kg : NULL, g->relu);
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

/* The input gradient by phases of the strides. dx pixel (y, x) gathers dy[k][p][q] * w[k][c][i][j]
 * over the taps with p*stride_h = y + pad_h - i*dil_h (and so along the row). The dx rows of one
 * phase, y = ry + stride_h*a, take only the taps i with ry + pad_h - i*dil_h = stride_h*e_i, and
 * each reads dy row a + e_i: a stride-1 correlation of dy with that sub-kernel (at stride 2 and
 * 3x3 padded by 1: 1 tap on one parity, 2 on the other, so phases of 1x1, 1x2, 2x1 and 2x2 taps).
 * Each phase (ry, rx) is one product read straight from padded dy, as the stride-1 correlation
 * was (which is the single phase of stride 1), and the phases are interleaved into dx: no column
 * matrix written and read back, no col2im. */

/* Whether tap i lies in phase ry of an axis (ry + pad - i*dil a multiple of the stride), with
 * in *e the offset of the dy row (or column) it reads: (ry + pad - i*dil) / stride. */
static int in_phase(int64_t ry, int64_t i, int32_t pad, int32_t dil, int32_t stride, int64_t *e) {
    const int64_t x = ry + pad - i * dil;
    *e = x / stride;
    return x % stride == 0;
}

/* One phase of the input gradient. */
typedef struct {
    int64_t ry, rx, ha, wa; /* its dx pixels (ry + stride_h*a, rx + stride_w*b), a < ha, b < wa */
    int64_t taps, depth;    /* its sub-kernel's taps, and kg times as many product steps */
    int64_t at, pix_at;     /* tap2/wflip rows of the phases before it; their pixels, per image */
} dx_phase;
#define FIRST_PHASE {0, -1, 0, 0, 0, 0, 0, 0}

/* Moves ph (FIRST_PHASE before the first call) to the next phase, rows of phases outer; 0 after
 * the last. Phases past the plane's pixels (ry >= h: a stride above the input) are skipped. */
static int next_phase(const c4j_conv_plan *p, dx_phase *ph) {
    const c4j_conv_geom *g = p->g;
    ph->at += ph->depth;
    ph->pix_at += ph->ha * ph->wa;
    if (++ph->rx == c4j_stride_phases(g->stride_w, g->w)) {
        ph->rx = 0;
        ++ph->ry;
    }
    if (ph->ry >= c4j_stride_phases(g->stride_h, g->h)) return 0;
    ph->ha = (g->h - 1 - ph->ry) / g->stride_h + 1;
    ph->wa = (g->w - 1 - ph->rx) / g->stride_w + 1;
    int64_t th = 0, tw = 0, e;
    for (int64_t i = 0; i < g->r; ++i) th += in_phase(ph->ry, i, g->pad_h, g->dil_h, g->stride_h, &e);
    for (int64_t j = 0; j < g->s; ++j) tw += in_phase(ph->rx, j, g->pad_w, g->dil_w, g->stride_w, &e);
    ph->taps = th * tw;
    ph->depth = ph->taps * p->kg;
    return 1;
}

/* tap2 and wflip (every group), phase after phase: phase ph's rows at + k*taps + u, u over its
 * taps (i, j) in order, read dypad at tap2 = k*Hq*Wq + e_i*Wq + e_j from its pixel and hold
 * w[k][c][i][j] in column panels of c, each phase's panels `depth` rows deep, as the pixel
 * product's B (one panel of cg columns is also the plane product's strided A). */
static void phase_tables(const c4j_conv_plan *p, const float *w) {
    const c4j_conv_geom *g = p->g;
    for (dx_phase ph = FIRST_PHASE; next_phase(p, &ph);)
        for (int32_t k = 0; k < p->kg; ++k) {
            int64_t row = k * ph.taps, ei, ej;
            for (int64_t i = 0; i < g->r; ++i) {
                if (!in_phase(ph.ry, i, g->pad_h, g->dil_h, g->stride_h, &ei)) continue;
                for (int64_t j = 0; j < g->s; ++j) {
                    if (!in_phase(ph.rx, j, g->pad_w, g->dil_w, g->stride_w, &ej)) continue;
                    p->tap2[ph.at + row] = (int32_t)(k * p->hq * p->wq + ei * p->wq + ej);
                    for (int32_t grp = 0; grp < g->groups; ++grp) {
                        const float *wk = w + ((int64_t)grp * p->kg + k) * p->rows + i * g->s + j;
                        float *block = p->wflip + (int64_t)grp * p->kg * p->rows + p->cg * ph.at;
                        for (int32_t c0 = 0; c0 < p->cg; c0 += PANEL) {
                            const int32_t width = p->cg - c0 < PANEL ? p->cg - c0 : PANEL;
                            float *panel = block + c0 * ph.depth + row * width - c0;
                            for (int32_t c = c0; c < c0 + width; ++c) panel[c] = wk[(int64_t)c * p->rs];
                        }
                    }
                    ++row;
                }
            }
        }
}

/* dx rows ry + stride_h*a (a < ha) of one image, the columns of phases (ry, 0) and (ry, 1) at
 * horizontal stride 2: s0 and s1 their phase planes (cg planes of ha rows ls0, ls1 floats
 * apart), NULL for a phase without taps (zeros). 8 columns of each spread into 16 of dx. */
static void interleave_pair(const c4j_conv_plan *p, int64_t ry, int64_t ha, const float *s0, int64_t ls0,
                            const float *s1, int64_t ls1, float *dxi) {
    const c4j_conv_geom *g = p->g;
    const int64_t w = g->w, wa0 = (w + 1) / 2, wa1 = w / 2, vec_end = s0 && s1 ? wa1 / 8 * 8 : 0;
    for (int32_t c = 0; c < p->cg; ++c)
        for (int64_t a = 0; a < ha; ++a) {
            float *d = dxi + c * p->hw + (ry + g->stride_h * a) * w;
            const float *r0 = s0 ? s0 + (c * ha + a) * ls0 : NULL, *r1 = s1 ? s1 + (c * ha + a) * ls1 : NULL;
            int64_t b = 0;
            for (; b < vec_end; b += 8) {
                const __m256 v0 = _mm256_loadu_ps(r0 + b), v1 = _mm256_loadu_ps(r1 + b);
                const __m256 lo = _mm256_unpacklo_ps(v0, v1), hi = _mm256_unpackhi_ps(v0, v1);
                _mm256_storeu_ps(d + 2 * b, _mm256_permute2f128_ps(lo, hi, 0x20));
                _mm256_storeu_ps(d + 2 * b + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
            }
            for (; b < wa0; ++b) {
                d[2 * b] = r0 ? r0[b] : 0.0f;
                if (b < wa1) d[2 * b + 1] = r1 ? r1[b] : 0.0f;
            }
        }
}

/* dx of one image from its phase planes: src holds, phase after phase (those with taps only),
 * cg planes of ha rows, wq floats apart when wide, else wa; the phases without taps give zeros. */
static void interleave_phases(const c4j_conv_plan *p, const float *src, int wide, float *dxi) {
    const c4j_conv_geom *g = p->g;
    const int pairs = g->stride_w == 2 && g->w >= 2;
    const float *first = NULL;
    int64_t first_ls = 0;
    for (dx_phase ph = FIRST_PHASE; next_phase(p, &ph);) {
        const int64_t ls = wide ? p->wq : ph.wa;
        const float *s = ph.taps ? src : NULL;
        if (ph.taps) src += p->cg * ph.ha * ls;
        if (pairs && ph.rx == 0) {
            first = s;
            first_ls = ls;
        } else if (pairs) {
            interleave_pair(p, ph.ry, ph.ha, first, first_ls, s, ls, dxi);
        } else {
            for (int32_t c = 0; c < p->cg; ++c)
                for (int64_t a = 0; a < ph.ha; ++a) {
                    float *d = dxi + c * p->hw + (ph.ry + g->stride_h * a) * g->w + ph.rx;
                    const float *r = s ? s + (c * ph.ha + a) * ls : NULL;
                    for (int64_t b = 0; b < ph.wa; ++b) d[b * g->stride_w] = r ? r[b] : 0.0f;
                }
        }
    }
}

/* dx of images n0.. (nb of them) and one group by phases (above). Where by_rows holds for the
 * input channels, each phase of an image is one plane product: channels x the phase's pixels
 * as the vector columns, its rows wq apart as in padded dy, so that a 16-column phase row does
 * not leave half of each 32-column tile empty (the wq - wa columns between rows are computed
 * and dropped; at stride 1, rows straight into dx). Otherwise one pixel product per phase over
 * the chunk, channels as the columns, transposed per image. */
static void input_grad_phased(const c4j_conv_plan *p, const float *dy, const float *wflip, int32_t n0,
                              int32_t nb, int32_t n_end, int32_t grp, float *dx) {
    const c4j_conv_geom *g = p->g;
    for (int32_t i = 0; i < nb; ++i)
        pad_planes(dy + ((int64_t)(n0 + i) * g->k + (int64_t)grp * p->kg) * p->pq, p->kg, g->out_h,
                   g->out_w, p->mh, p->mw, p->hq, p->wq, p->dypad + i * p->dyplane);
    const int one = g->stride_h == 1 && g->stride_w == 1;
    /* pix2's offset of phase pixel (0, 0), as C4J_CONV_BACKWARD's pixel_table gives it */
    const int64_t base = p->mh * p->wq + p->mw;
    if (by_rows(p->cg, 1)) {
        /* the next chunk's dy, a slice per row product, or per phase product */
        const next_chunk nc = next_chunk_of(dy, (int64_t)g->k * p->pq, n0, nb, n_end, g->chunk, g->groups);
        const int64_t phases = c4j_stride_phases(g->stride_h, g->h) * c4j_stride_phases(g->stride_w, g->w);
        for (int32_t i = 0; i < nb; ++i) {
            const float *dyi = p->dypad + i * p->dyplane + base;
            float *dxi = dx + ((int64_t)(n0 + i) * g->c + (int64_t)grp * p->cg) * p->hw;
            if (one) {
                row_products(dyi, p->wq, 1, p->tap2, (int64_t)p->kg * p->rs, wflip, p->cg, 1, p->cg, g->h, g->w, dxi, &nc, i, nb);
                continue;
            }
            float *out = p->phase;
            int64_t part = i * phases;
            for (dx_phase ph = FIRST_PHASE; next_phase(p, &ph);) {
                prefetch_next(&nc, part++, nb * phases);   /* before the skip: an empty phase's slice is prefetched too */
                if (!ph.taps) continue;
                c4j_gemm_args m = {.m = p->cg, .n = (ph.ha - 1) * p->wq + ph.wa, .depth = ph.depth,
                                   .a = wflip + p->cg * ph.at, .a_t = p->cg, .a_i = 1, .b = dyi,
                                   .b_steps = p->tap2 + ph.at, .c = out, .c_i = ph.ha * p->wq};
                C4J_GEMM(&m);
                out += p->cg * ph.ha * p->wq;
            }
            interleave_phases(p, p->phase, 1, dxi);
        }
        return;
    }
    for (dx_phase ph = FIRST_PHASE; next_phase(p, &ph);) {
        if (!ph.taps) continue;
        c4j_gemm_args m = {.m = nb * ph.ha * ph.wa, .n = p->cg, .depth = ph.depth, .a = p->dypad,
                           .a_steps = p->tap2 + ph.at, .a_rows = p->pix2 + g->chunk * ph.pix_at,
                           .b = wflip + p->cg * ph.at, .b_panels = 1, .c = p->tmp + nb * p->cg * ph.pix_at,
                           .c_i = p->cg};
        C4J_GEMM(&m);
    }
    for (int32_t i = 0; i < nb; ++i) {
        float *dxi = dx + ((int64_t)(n0 + i) * g->c + (int64_t)grp * p->cg) * p->hw;
        if (one) {
            transpose(p->tmp + i * p->hw * p->cg, p->hw, p->cg, dxi, 0, NULL, 0);
            continue;
        }
        float *out = p->phase;
        for (dx_phase ph = FIRST_PHASE; next_phase(p, &ph);) {
            if (!ph.taps) continue;
            const int64_t pixels = ph.ha * ph.wa;
            transpose(p->tmp + (nb * ph.pix_at + i * pixels) * p->cg, pixels, p->cg, out, 0, NULL, 0);
            out += p->cg * pixels;
        }
        interleave_phases(p, p->phase, 0, dxi);
    }
}

/* dx of one image and group by lowering: W^T . dy per block of channels, folded back by col2im.
 * For few input channels (the phased correlation's vector columns are the input channels: one
 * channel would use 1 lane in 16) and strides past the kernel extent. */
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
        phase_tables(&p, w);
        if (!by_rows(p.cg, 1)) /* the pixel products' rows: phase after phase, chunk images each */
            for (dx_phase ph = FIRST_PHASE; next_phase(&p, &ph);)
                if (ph.taps)
                    pixel_table(g->chunk, p.dyplane, (int32_t)ph.ha, (int32_t)ph.wa, 1, 1, p.wq,
                                p.mh * p.wq + p.mw, p.pix2 + g->chunk * ph.pix_at);
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
                input_grad_phased(&p, dy, p.wflip + (int64_t)grp * p.kg * p.rows, n0, nb, n_end, grp, dx);
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

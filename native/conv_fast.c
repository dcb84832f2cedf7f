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
 * Pixels are the GEMM rows (6 per register tile) and channels the vector columns (16), so the
 * result comes out pixel-major and is transposed into NCHW once per image: a few thousand
 * floats, against a depth of hundreds of taps per output. Each product covers g->chunk images
 * padded side by side (their pixel table spans them), so that small planes still make tall
 * products; the packed weights serve every image of the call. */
#include <string.h>
#include "conv_fast.h"
#include "cpu.h"
#include "gemm.h"
#include "window.h"

/* Column-matrix floats per channel block of the strided input gradient (stays in L2). */
enum { BLOCK_FLOATS = 48 * 1024 };

/* Depth block of the weight-gradient product (its depth is the chunk's pixels). Its C is the
 * whole kernel (2.65 MB for 3x3 192->384), read and written once per depth block, so it takes up
 * to 2048 pixels a block rather than gemm.c's 256, though its B panel then lives in L2, not L1.
 * Alternated in one process against 256: that product +3-8 % on 13x13 192->384, +1-2 % on 56x56
 * 64->64, level on 14x14 5x5 32->64; the forward and input-gradient products, whose C is
 * smaller, lost ~7 % with deep blocks and keep 256. */
enum { WEIGHT_GRAD_KC = 2048 };

/* The pixel and tap tables are int32 and their sums index the padded copies of a chunk, so a
 * chunk's padded input (and padded dy) must stay below this many floats: int32 with room, and a
 * padded copy of at most 4 GB. */
#define TABLE_LIMIT ((int64_t)1 << 30)

/* Nor is a padded copy worth making when it is far larger than what the portable path lowers or
 * reads (a few pixels padded by 2^20): it must stay within this many times the larger of the
 * input and the column matrix. Ordinary layers (padding up to a kernel extent) are far inside. */
enum { PADDED_COPY_RATIO = 16 };

/* Sizes of one group, and where each scratch area (sized for g->chunk images) lies in the
 * workspace. */
typedef struct {
    const c4j_conv_geom *g;
    int32_t cg, kg;
    int64_t rs, pq, hw, rows; /* taps per channel, output plane, input plane, taps (cg*r*s) */
    int64_t hp, wp;           /* padded input: every row/column some window reads */
    int64_t mh, mw, hq, wq;   /* padded dy of the stride-1 input gradient: margins, size */
    int32_t block;            /* channels per block of the strided input gradient */
    int64_t xplane, dyplane; /* floats of one image's padded input (one group), padded dy */
    float *wt, *wflip, *xpad, *tmp, *dwt, *dypad, *col;
    int32_t *pix, *tap, *pix2, *tap2;
} plan;

/* The input gradient as the flipped correlation (stride 1, and enough input channels to fill
 * the vector columns); otherwise by lowering and col2im. */
static int flipped_input_grad(const c4j_conv_geom *g) {
    return g->stride_h == 1 && g->stride_w == 1 && g->c / g->groups >= 16;
}

/* Rows (or columns) of the padded input some window reads: the span the windows sweep. */
static int64_t swept(int32_t out, int32_t stride, int32_t kernel, int32_t dil) {
    return (int64_t)(out - 1) * stride + (int64_t)(kernel - 1) * dil + 1;
}

/* Rows (or columns) of the stride-1 input gradient's padded dy: input, leading padding and a
 * margin of one kernel extent. */
static int64_t dy_extent(int32_t in, int32_t pad, int32_t kernel, int32_t dil) {
    return (int64_t)in + pad + (int64_t)(kernel - 1) * dil;
}

/* Sizes and, when ws is not NULL, the scratch areas carved from it; returns the floats used.
 * Only for geometries c4j_conv_fast_fits accepts: its bounds keep every product here in int64
 * and every table value in int32. */
static int64_t plan_of(const c4j_conv_geom *g, float *ws, plan *p) {
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
    p->mh = (int64_t)(g->r - 1) * g->dil_h;
    p->mw = (int64_t)(g->s - 1) * g->dil_w;
    p->hq = dy_extent(g->h, g->pad_h, g->r, g->dil_h);
    p->wq = dy_extent(g->w, g->pad_w, g->s, g->dil_w);
    int64_t per_channel = p->rs * p->pq, blk = BLOCK_FLOATS / per_channel;
    p->block = blk < 1 ? 1 : blk > p->cg ? p->cg : (int32_t)blk;
    const int64_t weights = (int64_t)g->groups * p->kg * p->rows, nb = g->chunk;
    const int flipped = flipped_input_grad(g);
    p->xplane = p->cg * p->hp * p->wp;
    p->dyplane = flipped ? p->kg * p->hq * p->wq : 0;
    /* floats, then int32 tables (the same size as a float) */
    const int64_t sizes[] = {
        weights,                                        /* wt */
        flipped ? weights : 0,                          /* wflip */
        nb * p->xplane,                                 /* xpad */
        nb * (p->pq * p->kg > p->hw * p->cg ? p->pq * p->kg : p->hw * p->cg), /* tmp */
        p->rows * p->kg,                                /* dwt */
        flipped ? nb * p->dyplane : 0,                  /* dypad */
        flipped ? 0 : (int64_t)p->block * per_channel,  /* col */
        nb * p->pq, p->rows,                            /* pix, tap */
        flipped ? nb * p->hw : 0, flipped ? (int64_t)p->kg * p->rs : 0, /* pix2, tap2 */
    };
    float **areas[] = {&p->wt, &p->wflip, &p->xpad, &p->tmp, &p->dwt, &p->dypad, &p->col,
                       (float **)&p->pix, (float **)&p->tap, (float **)&p->pix2, (float **)&p->tap2};
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
 * (tap2 goes down to -(mh*wq + mw), its sum with pix2 stays >= 0), and every size plan_of
 * forms fits int64. Otherwise the portable path runs it. */
int c4j_conv_fast_fits(const c4j_conv_geom *g) {
    const int64_t cg = g->c / g->groups, kg = g->k / g->groups;
    const int64_t hp = swept(g->out_h, g->stride_h, g->r, g->dil_h), wp = swept(g->out_w, g->stride_w, g->s, g->dil_w);
    if (!copy_fits(g->chunk, cg, hp, wp, TABLE_LIMIT)) return 0;
    if (flipped_input_grad(g) && !copy_fits(g->chunk, kg, dy_extent(g->h, g->pad_h, g->r, g->dil_h),
                                            dy_extent(g->w, g->pad_w, g->s, g->dil_w), TABLE_LIMIT))
        return 0;
    /* worth it: hp*wp < 2^30 now, and the plane sizes are below 2^31 (geom_ok) */
    const int64_t input = (int64_t)g->h * g->w, lowered = (int64_t)g->r * g->s * g->out_h * g->out_w;
    return hp * wp <= PADDED_COPY_RATIO * (input > lowered ? input : lowered);
}

int64_t c4j_conv_fast_workspace(const c4j_conv_geom *g) {
    plan p;
    return c4j_conv_fast_fits(g) ? plan_of(g, NULL, &p) : 0;
}

/* dst[cols][rows] = src[rows][cols] (+ dst when add) (+ bias[col] when bias is not NULL), then
 * max(0, .) when relu (NaN gives 0, as the ReLU layer): moving a product between pixel-major and
 * NCHW. Whole 8x8 blocks are transposed in registers
 * (8 loads, 24 shuffles, 8 stores); the ragged edges element by element. This runs only where
 * the AVX2 kernels do (conv.c's use_fast), so it may use them. */
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

#if C4J_HAVE_AVX2
C4J_AVX2 static void transpose(const float *src, int64_t rows, int64_t cols, float *dst, int add,
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
#else
static void transpose(const float *src, int64_t rows, int64_t cols, float *dst, int add,
                      const float *bias, int relu) {
    transpose_edges(src, rows, cols, dst, add, bias, relu, 0, 0);
}
#endif

/* Rows first..first+len of B in column panels (gemm.h's b_panels; depth rows in all) from
 * src[j][t], j < n, t < len: one transpose per panel of 16 columns. */
static void to_panels(const float *src, int64_t n, int64_t len, int64_t depth, int64_t first, float *dst) {
    for (int64_t j0 = 0; j0 < n; j0 += 16) {
        const int64_t w = n - j0 < 16 ? n - j0 : 16;
        transpose(src + j0 * len, w, len, dst + j0 * depth + first * w, 0, NULL, 0);
    }
}

/* Sum of each of `rows` rows of len floats, added to out[row]; 8 lanes at a time where AVX2 is. */
#if C4J_HAVE_AVX2
C4J_AVX2 static void add_row_sums(const float *m, int32_t rows, int64_t len, float *out) {
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
#else
static void add_row_sums(const float *m, int32_t rows, int64_t len, float *out) {
    for (int32_t k = 0; k < rows; ++k, m += len) {
        float sum = 0.0f;
        for (int64_t i = 0; i < len; ++i) sum += m[i];
        out[k] += sum;
    }
}
#endif

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

void c4j_conv_fast_forward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                           const float *w, const float *b, float *y, float *workspace) {
    plan p;
    plan_of(g, workspace, &p);
    for (int32_t grp = 0; grp < g->groups; ++grp)
        to_panels(w + (int64_t)grp * p.kg * p.rows, p.kg, p.rows, p.rows, 0, p.wt + (int64_t)grp * p.rows * p.kg);
    pixel_table(g->chunk, p.xplane, g->out_h, g->out_w, g->stride_h, g->stride_w, p.wp, 0, p.pix);
    tap_table(p.cg, g->r, g->s, g->dil_h, g->dil_w, p.wp, p.hp * p.wp, 1, 0, p.tap);
    for (int32_t n0 = n_begin; n0 < n_end; n0 += g->chunk) {
        const int32_t nb = n_end - n0 < g->chunk ? n_end - n0 : g->chunk;
        for (int32_t grp = 0; grp < g->groups; ++grp) {
            for (int32_t i = 0; i < nb; ++i)
                pad_planes(x + ((int64_t)(n0 + i) * g->c + (int64_t)grp * p.cg) * p.hw, p.cg, g->h,
                           g->w, g->pad_h, g->pad_w, p.hp, p.wp, p.xpad + i * p.xplane);
            c4j_gemm_args m = {.m = nb * p.pq, .n = p.kg, .depth = p.rows, .a = p.xpad,
                               .a_steps = p.tap, .a_rows = p.pix,
                               .b = p.wt + (int64_t)grp * p.rows * p.kg, .b_panels = 1,
                               .c = p.tmp, .c_i = p.kg};
            c4j_gemm(&m);
            for (int32_t i = 0; i < nb; ++i) {
                float *yi = y + ((int64_t)(n0 + i) * g->k + (int64_t)grp * p.kg) * p.pq;
                transpose(p.tmp + i * p.pq * p.kg, p.pq, p.kg, yi, 0, b ? b + (int64_t)grp * p.kg : NULL, g->relu);
            }
        }
    }
}

/* dx of images n0.. (nb of them) and one group for stride 1: the correlation of padded dy with
 * the flipped kernel. */
static void input_grad_flipped(const plan *p, const float *dy, const float *wflip, int32_t n0,
                               int32_t nb, int32_t grp, float *dx) {
    const c4j_conv_geom *g = p->g;
    for (int32_t i = 0; i < nb; ++i)
        pad_planes(dy + ((int64_t)(n0 + i) * g->k + (int64_t)grp * p->kg) * p->pq, p->kg, g->out_h,
                   g->out_w, p->mh, p->mw, p->hq, p->wq, p->dypad + i * p->dyplane);
    c4j_gemm_args m = {.m = nb * p->hw, .n = p->cg, .depth = (int64_t)p->kg * p->rs, .a = p->dypad,
                       .a_steps = p->tap2, .a_rows = p->pix2, .b = wflip, .b_panels = 1,
                       .c = p->tmp, .c_i = p->cg};
    c4j_gemm(&m);
    for (int32_t i = 0; i < nb; ++i)
        transpose(p->tmp + i * p->hw * p->cg, p->hw, p->cg,
                  dx + ((int64_t)(n0 + i) * g->c + (int64_t)grp * p->cg) * p->hw, 0, NULL, 0);
}

/* dx of one image and group by lowering: W^T . dy per block of channels, folded back by col2im.
 * For strides other than 1, and for few input channels (the flipped correlation's vector
 * columns are the input channels: one channel would use 1 lane in 16). */
static void input_grad_lowered(const plan *p, const float *wg, const float *dyi, float *dxi) {
    const c4j_conv_geom *g = p->g;
    memset(dxi, 0, (size_t)((int64_t)p->cg * p->hw) * sizeof(float));
    for (int32_t c0 = 0; c0 < p->cg; c0 += p->block) {
        const int32_t nc = p->cg - c0 < p->block ? p->cg - c0 : p->block;
        c4j_gemm_args m = {.m = (int64_t)nc * p->rs, .n = p->pq, .depth = p->kg,
                           .a = wg + (int64_t)c0 * p->rs, .a_t = p->rows, .a_i = 1, .b = dyi,
                           .b_t = p->pq, .c = p->col, .c_i = p->pq};
        c4j_gemm(&m);
        c4j_col2im(p->col, nc, g->h, g->w, g->r, g->s, g->pad_h, g->pad_w, g->stride_h, g->stride_w,
                   g->dil_h, g->dil_w, g->out_h, g->out_w, dxi + (int64_t)c0 * p->hw, p->pq);
    }
}

void c4j_conv_fast_backward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                            const float *w, const float *dy, float *dx, float *dw, float *db,
                            float *workspace) {
    plan p;
    plan_of(g, workspace, &p);
    const int flipped = flipped_input_grad(g);
    if (dw) {
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
            for (int32_t c0 = 0; c0 < p.cg; c0 += 16) {
                const int32_t width = p.cg - c0 < 16 ? p.cg - c0 : 16;
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
            if (db)
                for (int32_t i = 0; i < nb; ++i)
                    add_row_sums(dy + ((int64_t)(n0 + i) * g->k + (int64_t)grp * p.kg) * p.pq, p.kg, p.pq,
                                 db + (int64_t)grp * p.kg);
            if (dw) {
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
                c4j_gemm(&m);
            }
            if (dx && flipped) {
                input_grad_flipped(&p, dy, p.wflip + (int64_t)grp * p.kg * p.rows, n0, nb, grp, dx);
            } else if (dx) {
                for (int32_t i = 0; i < nb; ++i)
                    input_grad_lowered(&p, wg, dy + ((int64_t)(n0 + i) * g->k + (int64_t)grp * p.kg) * p.pq,
                                       dx + ((int64_t)(n0 + i) * g->c + (int64_t)grp * p.cg) * p.hw);
            }
        }
        if (dw) transpose(p.dwt, p.rows, p.kg, dw + (int64_t)grp * p.kg * p.rows, 1, NULL, 0);
    }
}

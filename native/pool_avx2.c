/* 2x2, stride-2 max pooling on AVX2, both ways, the forward of larger stride-2 windows
 * (AlexNet's and ResNet's 3x3/2), and the values-only forward of pool_kernel.h on 8-lane ymm
 * vectors, for pool.c where c4j_fast() is 1 (avx2.h). An AVX2 unit (avx2_unit.h). */
#include "avx2_vec.h"
#include <string.h>
#include "avx2.h"

/* Even and odd elements of the 16 floats v0:v1, in order (the shuffle interleaves 64-bit pairs
 * of the two 128-bit lanes; the permute puts them back). */
C4J_INLINE __m256 even_of(__m256 v0, __m256 v1) {
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(v0, v1, 0x88)), 0xD8));
}
C4J_INLINE __m256 odd_of(__m256 v0, __m256 v1) {
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(v0, v1, 0xDD)), 0xD8));
}

/* Candidate v at offset `at` replaces the best so far when strictly greater (ordered: a NaN
 * never replaces, as in the scalar select). */
C4J_INLINE void take_if_greater(__m256 v, __m256i at, __m256 *best, __m256i *where) {
    const __m256 take = _mm256_cmp_ps(v, *best, _CMP_GT_OQ);
    *best = _mm256_blendv_ps(*best, v, take);
    *where = _mm256_blendv_epi8(*where, at, _mm256_castps_si256(take));
}

/* Outputs q .. q+valid-1 (valid <= 8) of output row p; reads only inputs of those windows
 * (masked loads and stores when valid < 8), unless spill: then a short row (4 <= valid < 8, not
 * the plane's last) is loaded and stored eight lanes wide, running into the next output row
 * and its input rows (inside the plane: 8 <= 2*OW <= W), whose own pass rewrites what the extra
 * lanes stored. Masked stores are slow on AMD CPUs: the reference CNN's 14x14 -> 7x7 pooling
 * took 3.5x as long per block as its 28x28 one. NaN lanes of the outputs are or-ed into *nan. */
C4J_INLINE void eight_windows(const float *in, int32_t W, int32_t OW, int32_t p, int32_t q,
                              int32_t valid, int spill, float *out, int32_t *arg, __m256 *nan) {
    const float *r0 = in + (int64_t)2 * p * W + 2 * q, *r1 = r0 + W;
    const int wide = valid == 8 || spill;
    __m256 v0, v1, u0, u1;
    if (wide) {
        v0 = _mm256_loadu_ps(r0), v1 = _mm256_loadu_ps(r0 + 8);
        u0 = _mm256_loadu_ps(r1), u1 = _mm256_loadu_ps(r1 + 8);
    } else {
        const __m256i lo = c4j_lanes_below(2 * valid), hi = c4j_lanes_below(2 * valid - 8);
        v0 = _mm256_maskload_ps(r0, lo), v1 = _mm256_maskload_ps(r0 + 8, hi);
        u0 = _mm256_maskload_ps(r1, lo), u1 = _mm256_maskload_ps(r1 + 8, hi);
    }
    const __m256 a = even_of(v0, v1), b = odd_of(v0, v1), c = even_of(u0, u1), d = odd_of(u0, u1);
    const __m256i one = _mm256_set1_epi32(1), below = _mm256_set1_epi32(W),
                  at = _mm256_add_epi32(_mm256_set1_epi32(2 * p * W + 2 * q), _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14));
    __m256 best = a;
    __m256i where = at;
    take_if_greater(b, _mm256_add_epi32(at, one), &best, &where);
    take_if_greater(c, _mm256_add_epi32(at, below), &best, &where);
    take_if_greater(d, _mm256_add_epi32(_mm256_add_epi32(at, below), one), &best, &where);
    __m256 unord = _mm256_or_ps(_mm256_cmp_ps(a, b, _CMP_UNORD_Q), _mm256_cmp_ps(c, d, _CMP_UNORD_Q));
    /* A spilled row's extra lanes are the next row's windows (its own pass); the masked loads
     * zeroed a short row's, so no NaN is there to clear. */
    if (valid < 8 && spill) unord = _mm256_and_ps(unord, _mm256_castsi256_ps(c4j_lanes_below(valid)));
    *nan = _mm256_or_ps(*nan, unord);
    if (wide) {
        _mm256_storeu_ps(out + p * OW + q, best);
        _mm256_storeu_si256((__m256i *)(arg + p * OW + q), where);
    } else {
        const __m256i m = c4j_lanes_below(valid);
        _mm256_maskstore_ps(out + p * OW + q, m, best);
        _mm256_maskstore_epi32(arg + p * OW + q, m, where);
    }
}

/* maxpool_2x2, eight outputs at a time; a ragged row end is done by one more block of eight
 * that overlaps the last (the same values stored twice), or masked when the row is shorter
 * than eight. Reads stay inside each window, since 2*OW <= W. */
int c4j_maxpool_2x2_avx2(const c4j_pool_geom *g, const float *in, float *out, int32_t *arg) {
    const int32_t W = g->w, OW = g->out_w;
    __m256 nan = _mm256_setzero_ps();
    for (int32_t p = 0; p < g->out_h; ++p) {
        if (OW < 8) {
            eight_windows(in, W, OW, p, 0, OW, OW >= 4 && p + 1 < g->out_h, out, arg, &nan);
            continue;
        }
        for (int32_t q = 0; q < OW; q += 8)
            eight_windows(in, W, OW, p, q + 8 <= OW ? q : OW - 8, 8, 0, out, arg, &nan);
    }
    return _mm256_movemask_ps(nan) != 0;
}

/* Eight windows of stride 2 whose columns start at c, c+2, ..., c+14 of rows row0.. (kernel_h
 * of them): tap (i, j) of all eight is the even (j even) or odd (j odd) half of the 16 floats at
 * column c + (j & ~1), one pair of loads for two taps. Taps in scan order with a strict >, so the
 * first maximum wins, as in the scalar loop. Stored at out/arg (eight outputs). */
C4J_INLINE void eight_strided_windows(const c4j_pool_geom *g, const float *in, int64_t row0, int64_t c,
                                      float *out, int32_t *arg, __m256 *nan) {
    const __m256i lanes = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14), one = _mm256_set1_epi32(1);
    __m256 best = _mm256_setzero_ps();
    __m256i where = _mm256_setzero_si256();
    for (int32_t i = 0; i < g->kernel_h; ++i) {
        const int64_t row = (row0 + i) * g->w + c;  /* < h*w <= INT32_MAX (geom_ok) */
        for (int32_t j = 0; j < g->kernel_w; j += 2) {
            const __m256 v0 = _mm256_loadu_ps(in + row + j), v1 = _mm256_loadu_ps(in + row + j + 8);
            const __m256 even = even_of(v0, v1);
            const __m256i at = _mm256_add_epi32(_mm256_set1_epi32((int32_t)(row + j)), lanes);
            if (i == 0 && j == 0) {
                best = even;
                where = at;
            } else {
                take_if_greater(even, at, &best, &where);
            }
            *nan = _mm256_or_ps(*nan, _mm256_cmp_ps(even, even, _CMP_UNORD_Q));
            if (j + 1 < g->kernel_w) {
                const __m256 odd = odd_of(v0, v1);
                take_if_greater(odd, _mm256_add_epi32(at, one), &best, &where);
                *nan = _mm256_or_ps(*nan, _mm256_cmp_ps(odd, odd, _CMP_UNORD_Q));
            }
        }
    }
    _mm256_storeu_ps(out, best);
    _mm256_storeu_si256((__m256i *)arg, where);
}

/* Blocks of eight outputs along each row of the rectangle; a ragged end as one more block that
 * overlaps the last (the same values stored twice). */
int c4j_maxpool_s2_avx2(const c4j_pool_geom *g, const float *in, float *out, int32_t *arg, int64_t p_lo,
                        int64_t p_hi, int64_t q_lo, int64_t q_hi) {
    __m256 nan = _mm256_setzero_ps();
    for (int64_t p = p_lo; p < p_hi; ++p) {
        const int64_t row0 = p * g->stride_h - g->pad_h;
        for (int64_t q0 = q_lo; q0 < q_hi; q0 += 8) {
            const int64_t q = q0 + 8 <= q_hi ? q0 : q_hi - 8, o = p * g->out_w + q;
            eight_strided_windows(g, in, row0, 2 * q - g->pad_w, out + o, arg + o, &nan);
        }
    }
    return _mm256_movemask_ps(nan) != 0;
}

/* Zeroes the inputs of a plane no 2x2 window covers (an odd last row or column). */
static void zero_uncovered(const c4j_pool_geom *g, float *dx) {
    for (int32_t r = 0; r < 2 * g->out_h; ++r)
        for (int32_t c = 2 * g->out_w; c < g->w; ++c) dx[(int64_t)r * g->w + c] = 0.0f;
    memset(dx + (int64_t)2 * g->out_h * g->w, 0, (size_t)((int64_t)(g->h - 2 * g->out_h) * g->w) * sizeof(float));
}

/* One input row of 8 windows from their even- and odd-column values: (e0 o0 e1 o1 ... e7 o7);
 * of the second eight floats only the first `rest` (8: all). */
C4J_INLINE void store_interleaved(__m256 even, __m256 odd, float *row, int32_t rest) {
    const __m256 lo = _mm256_unpacklo_ps(even, odd), hi = _mm256_unpackhi_ps(even, odd);
    _mm256_storeu_ps(row, _mm256_permute2f128_ps(lo, hi, 0x20));
    if (rest >= 8) _mm256_storeu_ps(row + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
    else _mm256_maskstore_ps(row + 8, c4j_lanes_below(rest), _mm256_permute2f128_ps(lo, hi, 0x31));
}

/* The inputs of windows q .. q+valid-1 of output row p (valid <= 8). A short row (4 <= valid < 8)
 * is loaded and stored eight lanes wide, its extra lanes' gradient zeroed: the stores run into
 * the next input rows (2*OW <= W, so no further than 16 - W <= W floats into the row after),
 * which the next output row's pass, or zero_uncovered, rewrites. The plane's last output row
 * (last) loads masked and its second row stores only inside the plane. */
C4J_INLINE void unpool_eight(const c4j_pool_geom *g, const float *dy, const int32_t *arg, const float *y, float *dx,
                             int32_t p, int32_t q, int32_t valid, int last) {
    const int32_t W = g->w, OW = g->out_w;
    const __m256i one = _mm256_set1_epi32(1), below = _mm256_set1_epi32(W),
                  lanes = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
    const int64_t o = (int64_t)p * OW + q;
    const int masked = valid < 8 && last;
    const __m256i m = c4j_lanes_below(valid);
    /* 0 + dy, as the portable path adds dy to a zeroed plane (and PyTorch scatter-adds): a -0
     * gradient then gives +0 and a signalling NaN its quiet form, not dy's own bits. */
    __m256 grad = _mm256_add_ps(_mm256_setzero_ps(), masked ? _mm256_maskload_ps(dy + o, m) : _mm256_loadu_ps(dy + o));
    if (y) {
        const __m256 yv = masked ? _mm256_maskload_ps(y + o, m) : _mm256_loadu_ps(y + o);
        grad = _mm256_and_ps(grad, _mm256_cmp_ps(yv, _mm256_setzero_ps(), _CMP_GT_OQ));
    }
    if (valid < 8 && !masked) grad = _mm256_and_ps(grad, _mm256_castsi256_ps(m));   /* the masked loads zeroed those lanes already */
    const __m256i won = masked ? _mm256_maskload_epi32(arg + o, m) : _mm256_loadu_si256((const __m256i *)(arg + o)),
                  at = _mm256_add_epi32(_mm256_set1_epi32(2 * p * W + 2 * q), lanes),
                  at_below = _mm256_add_epi32(at, below);
#define WHERE(pos) _mm256_and_ps(grad, _mm256_castsi256_ps(_mm256_cmpeq_epi32(won, pos)))
    float *row = dx + (int64_t)2 * p * W + 2 * q;
    store_interleaved(WHERE(at), WHERE(_mm256_add_epi32(at, one)), row, 8);
    store_interleaved(WHERE(at_below), WHERE(_mm256_add_epi32(at_below, one)), row + W, masked ? W - 8 : 8);
#undef WHERE
}

/* The 2x2/2 backward of a plane with rows of at least 4 windows, writing every input once (no
 * memset first): each input of a window gets 0 + the window's gradient where it won, 0 elsewhere;
 * eight windows at a time, a ragged row end as one more block overlapping the last (the same
 * values stored twice; masked stores are slow before Zen 4, and a scalar tail of selects
 * mispredicts: both measured slower than memset + scatter). */
void c4j_unpool_2x2_avx2(const c4j_pool_geom *g, const float *dy, const int32_t *arg, const float *y,
                         float *dx) {
    const int32_t OW = g->out_w;
    for (int32_t p = 0; p < g->out_h; ++p) {
        if (OW < 8) {
            unpool_eight(g, dy, arg, y, dx, p, 0, OW, p + 1 == g->out_h);
            continue;
        }
        for (int32_t q0 = 0; q0 < OW; q0 += 8) unpool_eight(g, dy, arg, y, dx, p, q0 + 8 <= OW ? q0 : OW - 8, 8, 0);
    }
    zero_uncovered(g, dx);
}

/* The values without the argmax (an evaluation forward): pool_kernel.h on ymm vectors. */
#define P_EVEN even_of
#define P_ODD odd_of
#define C4J_POOL_VALUES c4j_maxpool_values_avx2
#include "pool_kernel.h"

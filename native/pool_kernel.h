/* pool_kernel.h — internal: max pooling's values alone, without the argmax (an evaluation forward:
 * nothing will scatter a gradient through it), for windows 2 or 3 wide with stride 2 across and
 * dilation 1 (AlexNet's and ResNet's 3x3/2, the 2x2/2 of most CNNs), written once for every vector
 * width. The including unit includes avx2_vec.h or avx512_vec.h first, defines C4J_POOL_VALUES
 * (the function's name) and P_EVEN(a, b) / P_ODD(a, b): the even and the odd lanes of the 2*VW
 * floats a:b, in order.
 *
 * Separable: each of a window's rows gives the maximum of its 2 or 3 taps (the even, odd and next
 * even columns of a pair of loads), then the rows' maxima are taken down. D_MAX(new, best) keeps
 * best unless new is strictly greater, so the result is the first maximum in scan order, as the
 * argmax loop's: the first row holding the window's maximum and the first such tap in that row,
 * which is what a row-major scan meets first (this matters only for +0 against -0). A NaN would
 * not propagate that way; the kernel reports one among the taps it read, and pool.c redoes the
 * plane by the general loop (NaN wins). No mask is needed where a row has VW outputs or more: a
 * ragged end is one more block overlapping the last (the same values stored twice). Shorter rows
 * (AlexNet's 13x13 -> 6x6) load and store under masks, reading and writing nothing outside the
 * windows and outputs of the rectangle. */
#ifndef CONV4J_POOL_KERNEL_H
#define CONV4J_POOL_KERNEL_H

#include "conv4j.h"

#ifdef CONV4J_AVX512_VEC_H   /* VW is an enum, not a macro: the header says which width */
typedef __mmask16 p_nan;
#define P_NAN0 ((__mmask16)0)
#define P_NAN_OR(n, a, b) ((__mmask16)((n) | _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q)))
#define P_NAN_ANY(n) ((n) != 0)
#else
typedef __m256 p_nan;
#define P_NAN0 _mm256_setzero_ps()
#define P_NAN_OR(n, a, b) _mm256_or_ps(n, _mm256_cmp_ps(a, b, _CMP_UNORD_Q))
#define P_NAN_ANY(n) (_mm256_movemask_ps(n) != 0)
#endif

/* The maxima of one input row of `valid` (<= VW) windows whose first taps are at c, c+2, ...:
 * taps c+2k, c+2k+1 (and c+2k+2 when kw is 3) for k < valid; a NaN among them is or-ed into
 * *nan. Masked loads zero the other lanes (no NaN there). */
C4J_INLINE dvec p_row_max(const float *c, int32_t kw, int64_t valid, p_nan *nan) {
    const int full = valid == VW;
    const dvec a0 = full ? D_LOAD(c) : D_LOADM(c, D_MASK(2 * valid)),
               a1 = full ? D_LOAD(c + VW) : D_LOADM(c + VW, D_MASK(2 * valid - VW));
    const dvec e = P_EVEN(a0, a1), o = P_ODD(a0, a1);
    *nan = P_NAN_OR(*nan, e, o);
    dvec m = D_MAX(o, e);
    if (kw == 3) {
        /* the third taps c+2, ..., c+2*valid: 2*valid - 1 floats from c+2 (the last odd one is
         * not a tap and may lie past the row, or the buffer) */
        const dvec b0 = full ? D_LOAD(c + 2) : D_LOADM(c + 2, D_MASK(2 * valid - 1)),
                   b1 = D_LOADM(c + 2 + VW, D_MASK(2 * valid - 1 - VW));
        const dvec t = P_EVEN(b0, b1);
        *nan = P_NAN_OR(*nan, t, t);
        m = D_MAX(t, m);
    }
    return m;
}

/* Outputs p in [p_lo, p_hi), q in [q_lo, q_hi) of one plane (in: h x w, out: out_h x out_w), all
 * of whose windows lie inside the plane; kernel_w 2 or 3, stride_w 2, dilations 1 (pool.c's
 * values_rect). Returns 1 when a tap read was NaN (the caller redoes the plane). */
int C4J_POOL_VALUES(const c4j_pool_geom *g, const float *in, float *out, int64_t p_lo, int64_t p_hi, int64_t q_lo,
                    int64_t q_hi) {
    const int64_t w = g->w, width = q_hi - q_lo;
    p_nan nan = P_NAN0;
    for (int64_t p = p_lo; p < p_hi; ++p) {
        const float *rows = in + (p * g->stride_h - g->pad_h) * w - g->pad_w;
        float *orow = out + p * g->out_w;
        for (int64_t q0 = q_lo; q0 < q_hi; q0 += VW) {
            const int64_t q = q0 + VW <= q_hi || width < VW ? q0 : q_hi - VW, valid = width < VW ? width : VW;
            const float *c = rows + 2 * q;
            dvec best = p_row_max(c, g->kernel_w, valid, &nan);
            for (int32_t i = 1; i < g->kernel_h; ++i) best = D_MAX(p_row_max(c + i * w, g->kernel_w, valid, &nan), best);
            if (valid == VW) D_STORE(orow + q, best);
            else D_STOREM(orow + q, D_MASK(valid), best);
        }
    }
    return P_NAN_ANY(nan);
}

#endif

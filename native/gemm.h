/* gemm.h — internal: conv4j's own single-threaded matrix product for the convolution GEMMs.
 *
 * OpenBLAS copies both operands into packed panels on every call; for the thin products of a
 * convolution (64 output channels, a 64-deep input gradient) that copying and the im2col buffer
 * it re-reads cost as much as a third of the layer. This product reads its operands where they
 * lie, through strides or offset tables, so one routine serves every convolution product
 * (conv_fast_avx2.c) without a packed or lowered copy:
 *
 *   C(i, j) = sum_t A(t, i) * B(t, j)                 (or C(i, j) += ... when accumulating)
 *   A(t, i) = a[t * a_t + i * a_i]    any strides: read one element at a time (broadcast)
 *          or a[a_steps[t] + a_rows[i]] through two offset tables (then a_t, a_i are unused):
 *                                     a convolution read straight from its padded input, with
 *                                     one table for the output pixels, one for the kernel taps
 *   B(t, j) = b[t * b_t + j]          contiguous in j: read a vector at a time
 *          or, with b_panels, from column panels of NR columns, each `depth` rows deep:
 *             b[j0 * depth + t * w + (j - j0)],  j0 = j - j % NR,  w = min(NR, n - j0)
 *                                     NR = C4J_GEMM_NR_AVX2 (16) or C4J_GEMM_NR_AVX512 (32)
 *                                     the layout the tile reads, one contiguous panel per tile
 *                                     column: a strided B (a row every 1.5 KB for 384 columns)
 *                                     maps its rows onto 8 of L1's 64 sets and is re-read
 *                                     from L2 on every row tile
 *          or b[b_steps[t] + j] through a step table (with A strided, not tabled): a
 *             convolution's output pixels as the columns, each step one kernel tap's shift of
 *             the padded input row (conv_fast_kernel.h's row products)
 *   C(i, j) = c[i * c_i + j]          contiguous in j: stored a vector at a time
 *
 * One body (gemm_kernel.h) in two units: c4j_gemm_avx2 (gemm_avx2.c) runs only where c4j_fast()
 * (cpu.h) is 1 and c4j_gemm_avx512 (gemm_avx512.c) only where c4j_avx512() is 1; elsewhere the
 * callers use cblas_sgemm. */
#ifndef CONV4J_GEMM_H
#define CONV4J_GEMM_H

#include <stdint.h>

typedef struct {
    int64_t m, n, depth;
    const float *a;
    int64_t a_t, a_i;
    const int32_t *a_steps, *a_rows; /* both or neither */
    const float *b;
    int64_t b_t;                     /* unused with b_panels or b_steps */
    int b_panels;
    const int32_t *b_steps;          /* B tabled: not with b_panels nor a_steps */
    float *c;
    int64_t c_i;
    int accumulate;
    int64_t kc;                      /* depth per block; 0: the unit's default (its KC) */
} c4j_gemm_args;

/* Columns per B panel (b_panels) of each unit: two vectors. */
#define C4J_GEMM_NR_AVX2 16
#define C4J_GEMM_NR_AVX512 32

/* C as above; m, n, depth >= 1. Reads only the A, B elements and writes only the C elements
 * the formulas name for i < m, j < n, t < depth. */
void c4j_gemm_avx2(const c4j_gemm_args *p);
void c4j_gemm_avx512(const c4j_gemm_args *p);

#endif

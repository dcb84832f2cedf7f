/* avx2_vec.h — internal: the vector set of the AVX2/FMA units that include a kernel written once
 * for every vector width (gemm_kernel.h in gemm_avx2.c; conv_fast_kernel.h and
 * conv_direct_kernel.h in conv_fast_avx2.c): 8-lane ymm vectors with mask-register tails.
 * avx512_vec.h defines the same names for 16-lane zmm vectors with opmask tails, so the kernels
 * read one set on either ISA:
 *   VW             lanes per vector
 *   dvec, dmask    the vector and tail-mask types
 *   D_ZERO() D_LOAD(p) D_STORE(p, v) D_BCAST(p) D_FMA(a, b, c) D_ADD(a, b) D_MAX(a, b)
 *   D_MASK(n)      lanes j < n (n may be <= 0 or >= VW)
 *   D_ANDNOT(a, b) the lanes of mask b not in mask a
 *   D_LOADM(p, m) D_STOREM(p, m, v)   masked: touch no lane outside the mask
 *   D_SUM(v)       the lanes of v added up
 * Included first by such a unit, in place of avx2_unit.h (which it includes). */
#ifndef CONV4J_AVX2_VEC_H
#define CONV4J_AVX2_VEC_H

#include "avx2_unit.h"

enum { VW = 8 };
typedef __m256 dvec;
typedef __m256i dmask;
#define D_ZERO() _mm256_setzero_ps()
#define D_LOAD(p) _mm256_loadu_ps(p)
#define D_STORE(p, v) _mm256_storeu_ps(p, v)
#define D_BCAST(p) _mm256_broadcast_ss(p)
#define D_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define D_ADD(a, b) _mm256_add_ps(a, b)
#define D_MAX(a, b) _mm256_max_ps(a, b)
#define D_MASK(n) c4j_lanes_below(n)
#define D_ANDNOT(a, b) _mm256_andnot_si256(a, b)
#define D_LOADM(p, m) _mm256_maskload_ps(p, m)
#define D_STOREM(p, m, v) _mm256_maskstore_ps(p, m, v)
#define D_SUM(v) c4j_sum8(v)

/* The 8 lanes of v added up. */
C4J_INLINE float c4j_sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

#endif

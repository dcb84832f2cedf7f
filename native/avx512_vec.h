/* avx512_vec.h — internal: avx2_vec.h's vector set (the same names, listed there) for the AVX-512
 * units (gemm_avx512.c, conv_fast_avx512.c): 16-lane zmm vectors with opmask tails, which touch
 * no lane outside the mask. Included first by such a unit, in place of avx512_unit.h (which it
 * includes). */
#ifndef CONV4J_AVX512_VEC_H
#define CONV4J_AVX512_VEC_H

#include "avx512_unit.h"

enum { VW = 16 };
typedef __m512 dvec;
typedef __mmask16 dmask;
#define D_ZERO() _mm512_setzero_ps()
#define D_LOAD(p) _mm512_loadu_ps(p)
#define D_STORE(p, v) _mm512_storeu_ps(p, v)
#define D_BCAST(p) _mm512_set1_ps(*(p))
#define D_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define D_ADD(a, b) _mm512_add_ps(a, b)
#define D_MAX(a, b) _mm512_max_ps(a, b)
#define D_MASK(n) c4j_lanes_below16(n)
#define D_ANDNOT(a, b) ((dmask)(~(a) & (b)))
#define D_LOADM(p, m) _mm512_maskz_loadu_ps(m, p)
#define D_STOREM(p, m, v) _mm512_mask_storeu_ps(p, m, v)
#define D_SUM(v) _mm512_reduce_add_ps(v)

#endif

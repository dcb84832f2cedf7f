/* conv4j's own matrix product (gemm.h) on AVX-512: gemm_kernel.h with 16-lane zmm vectors, a 12x32
 * tile (27 of the 32 zmm registers), a 16x16 one (NMR) for products of at most 16 columns, and
 * depth blocks of 128 (a 16 KB B panel, as on AVX2). Tails are opmask loads and stores, which touch no lane outside the mask. An AVX-512 unit
 * (avx512_unit.h). */
#include "avx512_unit.h"

#define C4J_GEMM c4j_gemm_avx512
enum { VW = 16, KC = 128 };
#define MR 12
#define NMR 16
typedef __m512 vec;
typedef __mmask16 vmask;
#define V_ZERO() _mm512_setzero_ps()
#define V_LOAD(p) _mm512_loadu_ps(p)
#define V_BCAST(p) _mm512_set1_ps(*(p))
#define V_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define V_ADD(a, b) _mm512_add_ps(a, b)
#define V_STORE(p, v) _mm512_storeu_ps(p, v)
#define V_MASK(n) c4j_lanes_below16(n)
#define V_LOADM(p, m) _mm512_maskz_loadu_ps(m, p)
#define V_STOREM(p, m, v) _mm512_mask_storeu_ps(p, m, v)

#include "gemm_kernel.h"

/* conv4j's own matrix product (gemm.h) on AVX2/FMA: gemm_kernel.h with 8-lane ymm vectors, a 6x16
 * tile (15 of the 16 ymm registers), a 12x8 one (NMR) for products of at most 8 columns, and
 * depth blocks of 256 (a 16 KB B panel). An AVX2 unit (avx2_unit.h). */
#include "avx2_unit.h"

#define C4J_GEMM c4j_gemm_avx2
enum { VW = 8, KC = 256 };
#define MR 6
#define NMR 12
typedef __m256 vec;
typedef __m256i vmask;
#define V_ZERO() _mm256_setzero_ps()
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_BCAST(p) _mm256_broadcast_ss(p)
#define V_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define V_ADD(a, b) _mm256_add_ps(a, b)
#define V_STORE(p, v) _mm256_storeu_ps(p, v)
#define V_MASK(n) c4j_lanes_below(n)
#define V_LOADM(p, m) _mm256_maskload_ps(p, m)
#define V_STOREM(p, m, v) _mm256_maskstore_ps(p, m, v)

#include "gemm_kernel.h"

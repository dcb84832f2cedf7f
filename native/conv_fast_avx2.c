/* The fast convolution's passes (conv_fast.h) on AVX2/FMA: conv_fast_kernel.h over gemm_avx2.c's
 * product, in 16-column B panels. An AVX2 unit (avx2_unit.h): conv_fast_plan.c calls these only
 * where c4j_fast() is 1 and c4j_avx512() is 0. */
#include "avx2_unit.h"
#include "gemm.h"

#define C4J_CONV_PACK c4j_conv_fast_pack_avx2
#define C4J_CONV_FORWARD c4j_conv_fast_forward_avx2
#define C4J_CONV_BACKWARD c4j_conv_fast_backward_avx2
#define C4J_GEMM c4j_gemm_avx2
#define PANEL C4J_GEMM_NR_AVX2

/* conv_direct_kernel.h's vectors: 8 lanes, mask-register tails; tiles of 8, 10 (+ 2 bias sums) and
 * 8 accumulators, so that they, the image (or dy) vectors and the weights fit the 16 ymm registers. */
enum { VW = 8 };
#define FWD_KB 2
#define DW_KB 2
/* row_weight_grad's tile: 2 channels x 6 taps, 12 accumulators + 2 dy vectors + 1 image vector. */
#define RDW_KB 2
#define RDW_TB 6
#define DX_JG 1 /* conv_direct_kernel.h's input gradient: tap columns inside its channel loop */
#define DX_RB 4
typedef __m256 dvec;
typedef __m256i dmask;
#define D_ZERO() _mm256_setzero_ps()
#define D_BCAST(p) _mm256_broadcast_ss(p)
#define D_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define D_ADD(a, b) _mm256_add_ps(a, b)
#define D_MAX(a, b) _mm256_max_ps(a, b)
#define D_MASK(n) c4j_lanes_below(n)
#define D_LOAD(p) _mm256_loadu_ps(p)
#define D_STORE(p, v) _mm256_storeu_ps(p, v)
#define D_ANDNOT(a, b) _mm256_andnot_si256(a, b) /* the lanes of b not in a */
#define D_LOADM(p, m) _mm256_maskload_ps(p, m)
#define D_STOREM(p, m, v) _mm256_maskstore_ps(p, m, v)
#define D_SUM(v) sum8(v)

/* The 8 lanes of v added up. */
C4J_INLINE float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

#include "conv_fast_kernel.h"

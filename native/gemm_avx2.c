/* conv4j's own matrix product (gemm.h) on AVX2/FMA: gemm_kernel.h with 8-lane ymm vectors, a 6x16
 * tile (15 of the 16 ymm registers), a 12x8 one (NMR) for products of at most 8 columns, and
 * depth blocks of 256 (a 16 KB B panel). An AVX2 unit (avx2_unit.h). */
#include "avx2_vec.h"

#define C4J_GEMM c4j_gemm_avx2
enum { KC = 256 };
#define MR 6
#define NMR 12

#include "gemm_kernel.h"

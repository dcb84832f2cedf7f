/* conv4j's own matrix product (gemm.h) on AVX-512: gemm_kernel.h with 16-lane zmm vectors, a 12x32
 * tile (27 of the 32 zmm registers), a 16x16 one (NMR) for products of at most 16 columns, and
 * depth blocks of 128 (a 16 KB B panel, as on AVX2). Tails are opmask loads and stores, which touch no lane outside the mask. An AVX-512 unit
 * (avx512_unit.h). */
#include "avx512_vec.h"

#define C4J_GEMM c4j_gemm_avx512
enum { KC = 128 };
#define MR 12
#define NMR 16

#include "gemm_kernel.h"

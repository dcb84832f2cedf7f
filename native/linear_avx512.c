/* The fully connected forward and input gradient (linear_fast.h) on AVX-512: linear_kernel.h with
 * 16-lane zmm vectors. Forward tiles of 3 rows of W by 8 images (24 accumulators + 3 row vectors
 * + 1 image vector: 28 of the 32 zmm registers); 8 images so that batches of 16, 32, 64 fill
 * every tile. Input-gradient tiles of 8 images by 3 vectors (24 + 3 + 1), depth blocks of 32 rows
 * of W (16 and 8 measured slower at batch 16 and 64: dx reloaded more often; 64 level). Tails
 * are opmask loads and stores. An AVX-512 unit (avx512_unit.h). */
#include "avx512_vec.h"
#include "linear_fast.h"

#define C4J_LINEAR_FORWARD c4j_linear_dot_avx512
#define LRO 3
#define LRI 8
#define LKB 1024
#define LMB 128
#define C4J_LINEAR_DX c4j_linear_dx_avx512
#define DRI 8
#define DNV 3
#ifndef DKB
#define DKB 32
#endif
#include "linear_kernel.h"

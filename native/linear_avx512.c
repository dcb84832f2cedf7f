/* The fully connected forward (linear_fast.h) on AVX-512: linear_kernel.h with 16-lane zmm
 * vectors, tiles of 3 rows of W by 8 images (24 accumulators + 3 row vectors + 1 image vector:
 * 28 of the 32 zmm registers); 8 images so that batches of 16, 32, 64 fill every tile. Tails are
 * opmask loads. An AVX-512 unit (avx512_unit.h). */
#include "avx512_vec.h"
#include "linear_fast.h"

#define C4J_LINEAR_FORWARD c4j_linear_dot_avx512
#define LRO 3
#define LRI 8
#define LKB 1024
#define LMB 128
#include "linear_kernel.h"

/* The fully connected forward (linear_fast.h) on AVX2/FMA: linear_kernel.h with 8-lane ymm
 * vectors, tiles of 2 rows of W by 6 images (12 accumulators + 2 row vectors + 1 image vector:
 * 15 of the 16 ymm registers). An AVX2 unit (avx2_unit.h). */
#include "avx2_vec.h"
#include "linear_fast.h"

#define C4J_LINEAR_FORWARD c4j_linear_dot_avx2
#define LRO 2
#define LRI 6
#define LKB 1024
#define LMB 128
#include "linear_kernel.h"

/* The fast convolution's passes (conv_fast.h) on AVX2/FMA: conv_fast_kernel.h over gemm_avx2.c's
 * product, in 16-column B panels. An AVX2 unit (avx2_unit.h): conv_fast_plan.c calls these only
 * where c4j_fast() is 1 and c4j_avx512() is 0. */
#include "avx2_vec.h"
#include "gemm.h"

#define C4J_CONV_PACK c4j_conv_fast_pack_avx2
#define C4J_CONV_FORWARD c4j_conv_fast_forward_avx2
#define C4J_CONV_BACKWARD c4j_conv_fast_backward_avx2
#define C4J_GEMM c4j_gemm_avx2
#define PANEL C4J_GEMM_NR_AVX2

/* conv_direct_kernel.h's tiles (avx2_vec.h's 8-lane vectors): 8, 10 (+ 2 bias sums) and 8
 * accumulators, so that they, the image (or dy) vectors and the weights fit the 16 ymm registers. */
#define FWD_KB 2
#define DW_KB 2
/* row_weight_grad's tile: 2 channels x 6 taps, 12 accumulators + 2 dy vectors + 1 image vector. */
#define RDW_KB 2
#define RDW_TB 6
#define DX_JG 1 /* conv_direct_kernel.h's input gradient: tap columns inside its channel loop */
#define DX_RB 4
#include "conv_fast_kernel.h"

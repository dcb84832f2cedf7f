/* The fast convolution's passes (conv_fast.h) on AVX-512: conv_fast_kernel.h over gemm_avx512.c's
 * product, in 32-column B panels. An AVX-512 unit (avx512_unit.h): conv_fast_plan.c calls these
 * only where c4j_avx512() is 1. */
#include "avx512_vec.h"
#include "gemm.h"

#define C4J_CONV_PACK c4j_conv_fast_pack_avx512
#define C4J_CONV_FORWARD c4j_conv_fast_forward_avx512
#define C4J_CONV_BACKWARD c4j_conv_fast_backward_avx512
#define C4J_GEMM c4j_gemm_avx512
#define PANEL C4J_GEMM_NR_AVX512

/* conv_direct_kernel.h's tiles (avx512_vec.h's 16-lane vectors): 24, 20 (+ 4 bias sums in a
 * kernel's first taps) and 16 of the 32 registers (the input gradient's with its 5 weights and 2
 * dy vectors: 23). */
#define FWD_KB 6
#define DW_KB 4
/* row_weight_grad's tile: 4 channels x 6 taps, 24 accumulators + 4 dy vectors + 1 image vector. */
#define RDW_KB 4
#define RDW_TB 6
#define DX_JG 8 /* conv_direct_kernel.h's input gradient: tap columns inside its channel loop */
#define DX_RB 8
#include "conv_fast_kernel.h"

/* The fast convolution's passes (conv_fast.h) on AVX-512: conv_fast_kernel.h over gemm_avx512.c's
 * product, in 32-column B panels. An AVX-512 unit (avx512_unit.h): conv_fast_plan.c calls these
 * only where c4j_avx512() is 1. */
#include "avx512_unit.h"
#include "gemm.h"

#define C4J_CONV_FORWARD c4j_conv_fast_forward_avx512
#define C4J_CONV_BACKWARD c4j_conv_fast_backward_avx512
#define C4J_GEMM c4j_gemm_avx512
#define PANEL C4J_GEMM_NR_AVX512

#include "conv_fast_kernel.h"

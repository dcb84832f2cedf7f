/* bias_relu.h — internal: a convolution's output planes finished in place, the bias and then the
 * fused ReLU, for both paths (conv.c's and conv_fast_kernel.h's). Static inline only: the AVX2
 * units include it too, each with its own copy vectorised for its ISA (avx2_unit.h). */
#ifndef CONV4J_BIAS_RELU_H
#define CONV4J_BIAS_RELU_H

#include <stdint.h>

/* y[k][j] += bias[k] (bias not NULL), then max(0, .) when relu (NaN gives 0), over `planes`
 * planes of pq. Without a bias the ReLU adds +0.0f, which changes no result (-0 and NaN give 0
 * either way); the branches stay outside the pixel loop, which then vectorises. */
static inline void c4j_bias_relu(float *y, int64_t planes, int64_t pq, const float *bias, int relu) {
    if (!bias && !relu) return;
    for (int64_t k = 0; k < planes; ++k, y += pq) {
        const float add = bias ? bias[k] : 0.0f;
        if (relu)
            for (int64_t j = 0; j < pq; ++j) y[j] = y[j] + add > 0.0f ? y[j] + add : 0.0f;
        else
            for (int64_t j = 0; j < pq; ++j) y[j] += add;
    }
}

#endif

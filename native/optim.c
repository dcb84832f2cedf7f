/* Optimiser updates over one flat parameter buffer (the model keeps all parameters, and all
 * gradients, contiguous, so a step is one call whatever the number of layers). */
#include <math.h>
#include "conv4j.h"

static int slice_ok(int64_t len, int64_t begin, int64_t end) { return 0 <= begin && begin <= end && end <= len; }

int c4j_sgd_step(int64_t len, int64_t begin, int64_t end, float *param, const float *grad, float *velocity,
                 float lr, float momentum, float dampening, float weight_decay, int32_t nesterov,
                 int32_t first_step) {
    if (!slice_ok(len, begin, end)) return C4J_EBADARG;
    for (int64_t i = begin; i < end; ++i) {
        float g = grad[i] + weight_decay * param[i];
        if (momentum != 0.0f) {
            float v = first_step ? g : momentum * velocity[i] + (1.0f - dampening) * g;
            velocity[i] = v;
            g = nesterov ? g + momentum * v : v;
        }
        param[i] -= lr * g;
    }
    return C4J_OK;
}

int c4j_adam_step(int64_t len, int64_t begin, int64_t end, float *param, const float *grad, float *m, float *v,
                  float lr, float beta1, float beta2, float eps, float weight_decay, int32_t decoupled,
                  int64_t step) {
    if (!slice_ok(len, begin, end)) return C4J_EBADARG;
    const double bias1 = 1.0 - pow(beta1, (double)step), bias2 = 1.0 - pow(beta2, (double)step);
    const float step_size = (float)(lr / bias1), root_bias2 = (float)sqrt(bias2);
    for (int64_t i = begin; i < end; ++i) {
        float g = grad[i];
        if (decoupled) param[i] *= 1.0f - lr * weight_decay;
        else g += weight_decay * param[i];
        m[i] = beta1 * m[i] + (1.0f - beta1) * g;
        v[i] = beta2 * v[i] + (1.0f - beta2) * g * g;
        param[i] -= step_size * m[i] / (sqrtf(v[i]) / root_bias2 + eps);
    }
    return C4J_OK;
}

int c4j_all_finite(int64_t len, const float *x) {
    for (int64_t i = 0; i < len; ++i)
        if (!isfinite(x[i])) return 0;
    return 1;
}

/* The norm is accumulated in double: a float sum of millions of squares loses the small ones.
 * The scale max/(norm + 1e-6) is PyTorch's clip_grad_norm_, applied only when it shrinks. */
float c4j_clip_grad_norm(int64_t len, float *grad, float max_norm) {
    double sum = 0.0;
    for (int64_t i = 0; i < len; ++i) sum += (double)grad[i] * grad[i];
    const double norm = sqrt(sum), scale = max_norm / (norm + 1e-6);
    if (scale < 1.0) {
        const float s = (float)scale;
        for (int64_t i = 0; i < len; ++i) grad[i] *= s;
    }
    return (float)norm;
}

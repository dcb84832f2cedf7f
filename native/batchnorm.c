/* Batch normalisation over N x C x (H*W): statistics per channel, computed in double. */
#include <math.h>
#include <stddef.h>
#include "conv4j.h"

void c4j_batchnorm2d_forward(int32_t n, int32_t c, int64_t hw, int32_t training, float eps,
                             float momentum, const float *x, const float *gamma, const float *beta,
                             float *running_mean, float *running_var, float *save_mean,
                             float *save_invstd, float *y) {
    const int64_t count = (int64_t)n * hw;
    for (int32_t ch = 0; ch < c; ++ch) {
        double mean, var;
        if (training) {
            double sum = 0.0, sq = 0.0;
            for (int32_t i = 0; i < n; ++i) {
                const float *p = x + ((int64_t)i * c + ch) * hw;
                for (int64_t j = 0; j < hw; ++j) sum += p[j];
            }
            mean = sum / (double)count;
            for (int32_t i = 0; i < n; ++i) {
                const float *p = x + ((int64_t)i * c + ch) * hw;
                for (int64_t j = 0; j < hw; ++j) sq += (p[j] - mean) * (p[j] - mean);
            }
            var = sq / (double)count;
            double unbiased = count > 1 ? sq / (double)(count - 1) : var;
            running_mean[ch] = (float)((1.0 - momentum) * running_mean[ch] + momentum * mean);
            running_var[ch] = (float)((1.0 - momentum) * running_var[ch] + momentum * unbiased);
        } else {
            mean = running_mean[ch];
            var = running_var[ch];
        }
        float invstd = (float)(1.0 / sqrt(var + eps));
        save_mean[ch] = (float)mean;
        save_invstd[ch] = invstd;
        float scale = gamma[ch] * invstd, shift = beta[ch] - (float)mean * scale;
        for (int32_t i = 0; i < n; ++i) {
            const float *p = x + ((int64_t)i * c + ch) * hw;
            float *q = y + ((int64_t)i * c + ch) * hw;
            for (int64_t j = 0; j < hw; ++j) q[j] = p[j] * scale + shift;
        }
    }
}

void c4j_batchnorm2d_backward(int32_t n, int32_t c, int64_t hw, int32_t training, const float *x, const float *gamma,
                              const float *save_mean, const float *save_invstd, const float *dy,
                              float *dx, float *dgamma, float *dbeta) {
    const double count = (double)n * (double)hw;
    for (int32_t ch = 0; ch < c; ++ch) {
        const double mean = save_mean[ch], invstd = save_invstd[ch];
        double sum_dy = 0.0, sum_dy_xhat = 0.0;
        for (int32_t i = 0; i < n; ++i) {
            const float *p = x + ((int64_t)i * c + ch) * hw, *d = dy + ((int64_t)i * c + ch) * hw;
            for (int64_t j = 0; j < hw; ++j) {
                sum_dy += d[j];
                sum_dy_xhat += d[j] * (p[j] - mean) * invstd;
            }
        }
        if (dgamma) dgamma[ch] += (float)sum_dy_xhat;
        if (dbeta) dbeta[ch] += (float)sum_dy;
        if (!dx) continue;
        /* dx = gamma*invstd * (dy - mean(dy) - xhat*mean(dy*xhat)) in training; in evaluation the
         * running statistics are constants, so the two batch terms vanish: gamma*invstd*dy */
        const double k = gamma[ch] * invstd;
        const double mdy = training ? sum_dy / count : 0.0, mdyx = training ? sum_dy_xhat / count : 0.0;
        for (int32_t i = 0; i < n; ++i) {
            const float *p = x + ((int64_t)i * c + ch) * hw, *d = dy + ((int64_t)i * c + ch) * hw;
            float *q = dx + ((int64_t)i * c + ch) * hw;
            for (int64_t j = 0; j < hw; ++j)
                q[j] = (float)(k * (d[j] - mdy - (p[j] - mean) * invstd * mdyx));
        }
    }
}

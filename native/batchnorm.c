/* Batch normalisation over N x C x (H*W): statistics per channel, for a range of channels (the
 * Java side splits the channels over its workers: each channel's statistics and gradients are its
 * own, so the split changes no result), optionally with the ReLU that follows fused in.
 *
 * The sums run over blocks of BLOCK floats in LANES independent float accumulators (which the
 * compiler turns into vector adds: one double chain per element was latency-bound, a third of a
 * ResNet-20 training step), the blocks' sums added in double, so no float chain is longer than
 * BLOCK / LANES additions whatever the batch and plane. */
#include <math.h>
#include <stddef.h>
#include "conv4j.h"

enum { LANES = 8, BLOCK = 256 };

static double lanes_total(const float *acc) {
    double t = 0.0;
    for (int l = 0; l < LANES; ++l) t += acc[l];
    return t;
}

/* Σ p[j] (square 0) or Σ (p[j] - m)² (square 1) over len floats. */
static double plane_sum(const float *p, int64_t len, float m, int square) {
    double total = 0.0;
    int64_t j = 0;
    for (; j + BLOCK <= len; j += BLOCK) {
        float acc[LANES] = {0};
        for (int64_t k = j; k < j + BLOCK; k += LANES)
            for (int l = 0; l < LANES; ++l) {
                float v = p[k + l] - m;
                acc[l] += square ? v * v : v;
            }
        total += lanes_total(acc);
    }
    float tail = 0.0f;
    for (; j < len; ++j) {
        float v = p[j] - m;
        tail += square ? v * v : v;
    }
    return total + tail;
}

/* Σ dy and Σ dy·(x - m) over len floats, added to *sum_g and *sum_gx. */
static void plane_grad_sums(const float *x, const float *dy, int64_t len, float m, double *sum_g, double *sum_gx) {
    double total_g = 0.0, total_gx = 0.0;
    int64_t j = 0;
    for (; j + BLOCK <= len; j += BLOCK) {
        float ag[LANES] = {0}, agx[LANES] = {0};
        for (int64_t k = j; k < j + BLOCK; k += LANES)
            for (int l = 0; l < LANES; ++l) {
                ag[l] += dy[k + l];
                agx[l] += dy[k + l] * (x[k + l] - m);
            }
        total_g += lanes_total(ag);
        total_gx += lanes_total(agx);
    }
    float tg = 0.0f, tgx = 0.0f;
    for (; j < len; ++j) {
        tg += dy[j];
        tgx += dy[j] * (x[j] - m);
    }
    *sum_g += total_g + tg;
    *sum_gx += total_gx + tgx;
}

void c4j_batchnorm2d_forward(int32_t n, int32_t c, int64_t hw, int32_t c_begin, int32_t c_end, int32_t training,
                             int32_t relu, float eps, float momentum, const float *x, const float *gamma,
                             const float *beta, float *running_mean, float *running_var, float *save_mean,
                             float *save_invstd, float *y) {
    if (c_begin < 0) c_begin = 0;
    if (c_end > c) c_end = c;
    const int64_t count = (int64_t)n * hw;
    for (int32_t ch = c_begin; ch < c_end; ++ch) {
        double mean, var;
        if (training) {
            double sum = 0.0, sq = 0.0;
            for (int32_t i = 0; i < n; ++i) sum += plane_sum(x + ((int64_t)i * c + ch) * hw, hw, 0.0f, 0);
            mean = sum / (double)count;
            for (int32_t i = 0; i < n; ++i) sq += plane_sum(x + ((int64_t)i * c + ch) * hw, hw, (float)mean, 1);
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
            if (relu)
                for (int64_t j = 0; j < hw; ++j) {
                    float v = p[j] * scale + shift;
                    q[j] = v > 0.0f ? v : 0.0f;   /* c4j_relu_forward's: NaN gives 0 */
                }
            else
                for (int64_t j = 0; j < hw; ++j) q[j] = p[j] * scale + shift;
        }
    }
}

void c4j_batchnorm2d_backward(int32_t n, int32_t c, int64_t hw, int32_t c_begin, int32_t c_end, int32_t training,
                              const float *x, const float *gamma, const float *save_mean,
                              const float *save_invstd, const float *dy, float *dx, float *dgamma, float *dbeta) {
    if (c_begin < 0) c_begin = 0;
    if (c_end > c) c_end = c;
    const double count = (double)n * (double)hw;
    for (int32_t ch = c_begin; ch < c_end; ++ch) {
        const float mean = save_mean[ch];
        const double invstd = save_invstd[ch];
        double sum_dy = 0.0, sum_dy_xc = 0.0;   /* Σ dy and Σ dy·(x - mean) */
        for (int32_t i = 0; i < n; ++i) {
            const int64_t off = ((int64_t)i * c + ch) * hw;
            plane_grad_sums(x + off, dy + off, hw, mean, &sum_dy, &sum_dy_xc);
        }
        const double sum_dy_xhat = sum_dy_xc * invstd;
        if (dgamma) dgamma[ch] += (float)sum_dy_xhat;
        if (dbeta) dbeta[ch] += (float)sum_dy;
        if (!dx) continue;
        /* dx = gamma*invstd * (dy - mean(dy) - xhat*mean(dy*xhat)) in training; in evaluation the
         * running statistics are constants, so the two batch terms vanish: gamma*invstd*dy.
         * As a*dy - b - (x - mean)*k with the per-channel constants in float. */
        const double a = gamma[ch] * invstd;
        const double mdy = training ? sum_dy / count : 0.0, mdyx = training ? sum_dy_xhat / count : 0.0;
        const float fa = (float)a, fb = (float)(a * mdy), fk = (float)(a * invstd * mdyx);
        for (int32_t i = 0; i < n; ++i) {
            const int64_t off = ((int64_t)i * c + ch) * hw;
            const float *p = x + off, *d = dy + off;
            float *q = dx + off;
            for (int64_t j = 0; j < hw; ++j) q[j] = fa * d[j] - fb - (p[j] - mean) * fk;
        }
    }
}

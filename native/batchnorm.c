/* Batch normalisation over N x C x (H*W): statistics per channel, totals kept in double.
 *
 * The reductions run over each image's plane of a channel in eight float lanes, whose sum is
 * added to the channel's double total: one running double sum waits on the previous addition
 * at every element (a latency chain the compiler may not reorder), which made these layers
 * cost as much as the convolutions around them. A lane holds at most PLANE_BLOCK / 8 values
 * before it is folded into the double, so the float partial sums stay exact to ~1e-6. */
#include <math.h>
#include <stddef.h>
#include "conv4j.h"

#define LANES 8
#define PLANE_BLOCK 1024

/* Three small reductions rather than one with flags, so that each inner loop is branch-free. */

/* sum of p[0..len) */
static double plane_sum(const float *p, int64_t len) {
    double total = 0.0;
    for (int64_t b = 0; b < len; b += PLANE_BLOCK) {
        int64_t e = b + PLANE_BLOCK < len ? b + PLANE_BLOCK : len, j = b;
        float lane[LANES] = {0};
        for (; j + LANES <= e; j += LANES)
            for (int k = 0; k < LANES; ++k) lane[k] += p[j + k];
        for (; j < e; ++j) lane[0] += p[j];
        for (int k = 0; k < LANES; ++k) total += lane[k];
    }
    return total;
}

/* sum of (p[j] - mean)^2 over [0, len) */
static double plane_centered_squares(const float *p, int64_t len, float mean) {
    double total = 0.0;
    for (int64_t b = 0; b < len; b += PLANE_BLOCK) {
        int64_t e = b + PLANE_BLOCK < len ? b + PLANE_BLOCK : len, j = b;
        float lane[LANES] = {0};
        for (; j + LANES <= e; j += LANES)
            for (int k = 0; k < LANES; ++k) {
                float v = p[j + k] - mean;
                lane[k] += v * v;
            }
        for (; j < e; ++j) lane[0] += (p[j] - mean) * (p[j] - mean);
        for (int k = 0; k < LANES; ++k) total += lane[k];
    }
    return total;
}

/* sum of d[j] into *sum_d and of d[j] * (p[j] - mean) into *sum_dc, over [0, len) */
static void plane_gradient_sums(const float *p, const float *d, int64_t len, float mean, double *sum_d, double *sum_dc) {
    for (int64_t b = 0; b < len; b += PLANE_BLOCK) {
        int64_t e = b + PLANE_BLOCK < len ? b + PLANE_BLOCK : len, j = b;
        float ld[LANES] = {0}, lc[LANES] = {0};
        for (; j + LANES <= e; j += LANES)
            for (int k = 0; k < LANES; ++k) {
                ld[k] += d[j + k];
                lc[k] += d[j + k] * (p[j + k] - mean);
            }
        for (; j < e; ++j) {
            ld[0] += d[j];
            lc[0] += d[j] * (p[j] - mean);
        }
        for (int k = 0; k < LANES; ++k) {
            *sum_d += ld[k];
            *sum_dc += lc[k];
        }
    }
}

void c4j_batchnorm2d_forward(int32_t n, int32_t c, int64_t hw, int32_t training, float eps,
                             float momentum, const float *x, const float *gamma, const float *beta,
                             float *running_mean, float *running_var, float *save_mean,
                             float *save_invstd, float *y) {
    const int64_t count = (int64_t)n * hw;
    for (int32_t ch = 0; ch < c; ++ch) {
        double mean, var;
        if (training) {
            double sum = 0.0, sq = 0.0;
            for (int32_t i = 0; i < n; ++i) sum += plane_sum(x + ((int64_t)i * c + ch) * hw, hw);
            mean = sum / (double)count;
            /* Squares about the float mean the planes subtract: the two-pass variance, with
             * the float rounding of the mean corrected by the exact identity below. */
            const float meanf = (float)mean;
            for (int32_t i = 0; i < n; ++i) sq += plane_centered_squares(x + ((int64_t)i * c + ch) * hw, hw, meanf);
            const double shift = mean - (double)meanf;
            sq -= (double)count * shift * shift;
            if (sq < 0.0) sq = 0.0;
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
        const float meanf = save_mean[ch];
        const double invstd = save_invstd[ch];
        double sum_dy = 0.0, sum_dy_centered = 0.0;
        for (int32_t i = 0; i < n; ++i) {
            const int64_t at = ((int64_t)i * c + ch) * hw;
            plane_gradient_sums(x + at, dy + at, hw, meanf, &sum_dy, &sum_dy_centered);
        }
        const double sum_dy_xhat = sum_dy_centered * invstd;
        if (dgamma) dgamma[ch] += (float)sum_dy_xhat;
        if (dbeta) dbeta[ch] += (float)sum_dy;
        if (!dx) continue;
        /* dx = gamma*invstd * (dy - mean(dy) - xhat*mean(dy*xhat)) in training; in evaluation the
         * running statistics are constants, so the two batch terms vanish: gamma*invstd*dy.
         * As dx = a*dy + b*(x - mean) + c0, with the coefficients worked out in double once. */
        const double k = gamma[ch] * invstd;
        const double mdy = training ? sum_dy / count : 0.0, mdyx = training ? sum_dy_xhat / count : 0.0;
        const float a = (float)k, b = (float)(-k * invstd * mdyx), c0 = (float)(-k * mdy);
        for (int32_t i = 0; i < n; ++i) {
            const int64_t at = ((int64_t)i * c + ch) * hw;
            const float *p = x + at, *d = dy + at;
            float *q = dx + at;
            for (int64_t j = 0; j < hw; ++j) q[j] = a * d[j] + b * (p[j] - meanf) + c0;
        }
    }
}

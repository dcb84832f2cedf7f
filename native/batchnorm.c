/* Batch normalisation over N x C x (H*W): statistics per channel, optionally with the ReLU that
 * follows fused in. The passes over the data take a range of images, as the convolutions around
 * them do, so each worker reads the images it wrote itself (split by channels instead, every
 * worker read half its planes out of the other core's cache: in a ResNet-20 step the batch norms
 * took 2-3x as long as alone). Their per-(image, channel) sums go to a table of doubles that
 * the statistics passes add up in image order, so the results are the same for any split. The
 * forward reads the activations from memory once for its statistics: each plane's sum and its
 * squares about its own mean (two passes over a plane in cache), combined per channel in double.
 *
 * The sums run over blocks of BLOCK floats in LANES independent float accumulators (which the
 * compiler turns into vector adds: one double chain per element was latency-bound, a third of a
 * ResNet-20 training step), the blocks' sums added in double, so no float chain is longer than
 * BLOCK / LANES additions whatever the batch and plane. */
#include <math.h>
#include <stddef.h>
#include "conv4j.h"
#include "mask.h"
#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define C4J_BN_SSE2 1
#endif

enum { LANES = 8, BLOCK = 256 };

static double lanes_total(const float *acc) {
    double t = 0.0;
    for (int l = 0; l < LANES; ++l) t += acc[l];
    return t;
}

#ifdef C4J_BN_SSE2
/* p[k] - m, squared when square: one vector of plane_sum's terms. */
static inline __m128 sum_term(const float *q, __m128 vm, int square) {
    const __m128 v = _mm_sub_ps(_mm_loadu_ps(q), vm);
    return square ? _mm_mul_ps(v, v) : v;
}
#endif

/* Σ p[j] (square 0) or Σ (p[j] - m)² (square 1) over len floats. */
static double plane_sum(const float *p, int64_t len, float m, int square) {
    double total = 0.0;
    int64_t j = 0;
#ifdef C4J_BN_SSE2
    /* Four blocks at once, each in its own two vectors of four lanes: per block the same eight
     * lanes, the same operations in the same order, and the blocks' totals added in block order,
     * so the same sums bit for bit as the loop below; eight chains of dependent adds for the
     * core to overlap instead of two. One core, 64 images x 16 x 32x32 from L3: 0.153-0.159 ->
     * 0.139-0.144 ms. (In a ResNet-20 step, skipping these sums altogether saved 3.4 ms of a
     * 41 ms forward; moving them next to the convolution's write, where the output is in cache,
     * saved nothing: docs/bench-notes/resnet11.md.) */
    const __m128 vm = _mm_set1_ps(m);
    for (; j + 4 * BLOCK <= len; j += 4 * BLOCK) {
        const float *q = p + j;
        __m128 a0 = _mm_setzero_ps(), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        for (int64_t k = 0; k < BLOCK; k += LANES) {
            a0 = _mm_add_ps(a0, sum_term(q + k, vm, square));
            a1 = _mm_add_ps(a1, sum_term(q + k + 4, vm, square));
            b0 = _mm_add_ps(b0, sum_term(q + BLOCK + k, vm, square));
            b1 = _mm_add_ps(b1, sum_term(q + BLOCK + k + 4, vm, square));
            c0 = _mm_add_ps(c0, sum_term(q + 2 * BLOCK + k, vm, square));
            c1 = _mm_add_ps(c1, sum_term(q + 2 * BLOCK + k + 4, vm, square));
            d0 = _mm_add_ps(d0, sum_term(q + 3 * BLOCK + k, vm, square));
            d1 = _mm_add_ps(d1, sum_term(q + 3 * BLOCK + k + 4, vm, square));
        }
        const __m128 lo[4] = {a0, b0, c0, d0}, hi[4] = {a1, b1, c1, d1};
        for (int blk = 0; blk < 4; ++blk) {
            float acc[LANES];
            _mm_storeu_ps(acc, lo[blk]);
            _mm_storeu_ps(acc + 4, hi[blk]);
            total += lanes_total(acc);
        }
    }
#endif
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

/* The batch norm's output before any ReLU, x·scale + shift: one expression for the forward and for
 * the backward that recomputes it to find where the fused ReLU passed its gradient, so both round
 * (or contract) it alike. */
static inline float affine(float x, float scale, float shift) { return x * scale + shift; }

/* Whether the gradient at x passes: always without the ReLU, else where its output is positive
 * (applied with c4j_keep_if: mask.h says why not a select). */
static inline int passes(int relu, float x, float scale, float shift) { return !relu | (affine(x, scale, shift) > 0.0f); }

/* Σ dy and Σ dy·(x - m) over len floats, added to *sum_g and *sum_gx; with relu, dy counts only
 * where affine(x, scale, shift) > 0 (the fused ReLU's gradient). */
static void plane_grad_sums(const float *x, const float *dy, int64_t len, float m, int relu, float scale, float shift,
                            double *sum_g, double *sum_gx) {
    double total_g = 0.0, total_gx = 0.0;
    int64_t j = 0;
    for (; j + BLOCK <= len; j += BLOCK) {
        float ag[LANES] = {0}, agx[LANES] = {0};
#ifdef C4J_BN_SSE2
        /* The loop below as two vectors of four lanes, the same eight lanes and operations (so
         * the same sums bit for bit; SSE2 is x86-64's baseline): GCC vectorised that loop across
         * k instead, through shuffles and spills of the lanes, at 3-4x the time (a C harness,
         * 64 images x 16 x 32 x 32: 0.48-0.59 ms against 0.13-0.18). */
        const __m128 vm = _mm_set1_ps(m), vscale = _mm_set1_ps(scale), vshift = _mm_set1_ps(shift), zero = _mm_setzero_ps();
        __m128 g0 = zero, g1 = zero, gx0 = zero, gx1 = zero;
        for (int64_t k = j; k < j + BLOCK; k += LANES) {
            const __m128 x0 = _mm_loadu_ps(x + k), x1 = _mm_loadu_ps(x + k + 4);
            __m128 d0 = _mm_loadu_ps(dy + k), d1 = _mm_loadu_ps(dy + k + 4);
            if (relu) {   /* affine() > 0, as c4j_keep_if(passes(...)) */
                d0 = _mm_and_ps(d0, _mm_cmpgt_ps(_mm_add_ps(_mm_mul_ps(x0, vscale), vshift), zero));
                d1 = _mm_and_ps(d1, _mm_cmpgt_ps(_mm_add_ps(_mm_mul_ps(x1, vscale), vshift), zero));
            }
            g0 = _mm_add_ps(g0, d0);
            g1 = _mm_add_ps(g1, d1);
            gx0 = _mm_add_ps(gx0, _mm_mul_ps(d0, _mm_sub_ps(x0, vm)));
            gx1 = _mm_add_ps(gx1, _mm_mul_ps(d1, _mm_sub_ps(x1, vm)));
        }
        _mm_storeu_ps(ag, g0);
        _mm_storeu_ps(ag + 4, g1);
        _mm_storeu_ps(agx, gx0);
        _mm_storeu_ps(agx + 4, gx1);
#else
        for (int64_t k = j; k < j + BLOCK; k += LANES)
            for (int l = 0; l < LANES; ++l) {
                const float d = c4j_keep_if(passes(relu, x[k + l], scale, shift), dy[k + l]);
                ag[l] += d;
                agx[l] += d * (x[k + l] - m);
            }
#endif
        total_g += lanes_total(ag);
        total_gx += lanes_total(agx);
    }
    float tg = 0.0f, tgx = 0.0f;
    for (; j < len; ++j) {
        const float d = c4j_keep_if(passes(relu, x[j], scale, shift), dy[j]);
        tg += d;
        tgx += d * (x[j] - m);
    }
    *sum_g += total_g + tg;
    *sum_gx += total_gx + tgx;
}

/* A channel's plane in image i. */
static const float *plane(const float *t, int32_t c, int64_t hw, int32_t i, int32_t ch) {
    return t + ((int64_t)i * c + ch) * hw;
}

void c4j_batchnorm2d_sums(int32_t n, int32_t c, int64_t hw, int32_t n_begin, int32_t n_end, const float *x,
                          const float *mean, const float *dy, const float *relu_affine, double *sums) {
    if (n_begin < 0) n_begin = 0;
    if (n_end > n) n_end = n;
    for (int32_t i = n_begin; i < n_end; ++i)
        for (int32_t ch = 0; ch < c; ++ch) {
            const float *p = plane(x, c, hw, i, ch);
            const int64_t at = (int64_t)i * c + ch;
            if (dy) {
                double g = 0.0, gx = 0.0;
                if (relu_affine)
                    plane_grad_sums(p, plane(dy, c, hw, i, ch), hw, mean[ch], 1, relu_affine[2 * ch], relu_affine[2 * ch + 1], &g, &gx);
                else
                    plane_grad_sums(p, plane(dy, c, hw, i, ch), hw, mean[ch], 0, 1.0f, 0.0f, &g, &gx);
                sums[2 * at] = g;
                sums[2 * at + 1] = gx;
            } else {
                /* the plane's sum, then its squares about its own mean (a second pass over
                 * a plane just read, from L1 or L2, not memory) */
                const double sum = plane_sum(p, hw, 0.0f, 0);
                sums[2 * at] = sum;
                sums[2 * at + 1] = plane_sum(p, hw, (float)(sum / (double)hw), 1);
            }
        }
}

/* Σ over the images of channel ch's entry in a table of `per` doubles per (image, channel). */
static double image_total(const double *sums, int32_t n, int32_t c, int32_t ch, int per, int which) {
    double t = 0.0;
    for (int32_t i = 0; i < n; ++i) t += sums[((int64_t)i * c + ch) * per + which];
    return t;
}

/* The forward's per-channel scale gamma·invstd and shift beta - mean·scale, in float. */
static void affine_of(int32_t ch, const float *gamma, const float *beta, const float *save_mean, const float *save_invstd,
                      float *affine_out) {
    const float scale = gamma[ch] * save_invstd[ch];
    affine_out[2 * ch] = scale;
    affine_out[2 * ch + 1] = beta[ch] - save_mean[ch] * scale;
}

void c4j_batchnorm2d_stats(int32_t n, int32_t c, int64_t hw, int32_t training, const double *sums, float eps,
                           float momentum, float *running_mean, float *running_var, float *save_mean,
                           float *save_invstd, const float *gamma, const float *beta, float *affine_out) {
    const int64_t count = (int64_t)n * hw;
    for (int32_t ch = 0; ch < c; ++ch) {
        /* the statistics normalised with: the running ones in evaluation (a float's mean is
         * exact in double), the batch's in training */
        double mean = running_mean[ch], var = running_var[ch];
        if (training) {
            mean = image_total(sums, n, c, ch, 2, 0) / (double)count;
            /* Σ (x - mean)² from each plane's squares about its own (float) mean a: the plane
             * adds hw·(a - mean)² (Chan et al.'s combination of partial variances), in double
             * and in image order, so only the planes' own sums see float rounding. */
            double sq = 0.0;
            for (int32_t i = 0; i < n; ++i) {
                const double *e = sums + ((int64_t)i * c + ch) * 2;
                const double d = (double)(float)(e[0] / (double)hw) - mean;
                sq += e[1] + (double)hw * d * d;
            }
            var = sq / (double)count;
            const double unbiased = count > 1 ? sq / (double)(count - 1) : var;
            running_mean[ch] = (float)((1.0 - momentum) * running_mean[ch] + momentum * mean);
            running_var[ch] = (float)((1.0 - momentum) * running_var[ch] + momentum * unbiased);
        }
        save_mean[ch] = (float)mean;
        save_invstd[ch] = (float)(1.0 / sqrt(var + eps));
        affine_of(ch, gamma, beta, save_mean, save_invstd, affine_out);
    }
}

void c4j_batchnorm2d_normalize(int32_t n, int32_t c, int64_t hw, int32_t n_begin, int32_t n_end, int32_t relu,
                               const float *x, const float *affine_in, const float *addend, float *y) {
    if (n_begin < 0) n_begin = 0;
    if (n_end > n) n_end = n;
    for (int32_t i = n_begin; i < n_end; ++i)
        for (int32_t ch = 0; ch < c; ++ch) {
            const float scale = affine_in[2 * ch], shift = affine_in[2 * ch + 1];
            const int64_t at = ((int64_t)i * c + ch) * hw;
            const float *p = x + at;
            float *q = y + at;
            /* the loops apart, so each vectorises without a test per element; the sum as
             * c4j_sum_forward's a + b and the ReLU as c4j_relu_forward's (NaN gives 0) */
            if (addend && relu)
                for (int64_t j = 0; j < hw; ++j) {
                    const float v = affine(p[j], scale, shift) + addend[at + j];
                    q[j] = v > 0.0f ? v : 0.0f;
                }
            else if (addend)
                for (int64_t j = 0; j < hw; ++j) q[j] = affine(p[j], scale, shift) + addend[at + j];
            else if (relu)
                for (int64_t j = 0; j < hw; ++j) {
                    const float v = affine(p[j], scale, shift);
                    q[j] = v > 0.0f ? v : 0.0f;
                }
            else
                for (int64_t j = 0; j < hw; ++j) q[j] = affine(p[j], scale, shift);
        }
}

void c4j_batchnorm2d_grad_coeffs(int32_t n, int32_t c, int64_t hw, int32_t training, const double *sums,
                                 const float *gamma, const float *save_invstd, float *dgamma, float *dbeta,
                                 float *coeffs) {
    const double count = (double)n * (double)hw;
    for (int32_t ch = 0; ch < c; ++ch) {
        const double invstd = save_invstd[ch];
        const double sum_dy = image_total(sums, n, c, ch, 2, 0), sum_dy_xc = image_total(sums, n, c, ch, 2, 1);
        const double sum_dy_xhat = sum_dy_xc * invstd;
        if (dgamma) dgamma[ch] += (float)sum_dy_xhat;
        if (dbeta) dbeta[ch] += (float)sum_dy;
        /* dx = gamma*invstd * (dy - mean(dy) - xhat*mean(dy*xhat)) in training; in evaluation the
         * running statistics are constants, so the two batch terms vanish: gamma*invstd*dy.
         * As a*dy - b - (x - mean)*k with the per-channel constants in float. */
        const double a = gamma[ch] * invstd;
        const double mdy = training ? sum_dy / count : 0.0, mdyx = training ? sum_dy_xhat / count : 0.0;
        coeffs[3 * ch] = (float)a;
        coeffs[3 * ch + 1] = (float)(a * mdy);
        coeffs[3 * ch + 2] = (float)(a * invstd * mdyx);
    }
}

void c4j_batchnorm2d_input_grad(int32_t n, int32_t c, int64_t hw, int32_t n_begin, int32_t n_end, const float *x,
                                const float *save_mean, const float *coeffs, const float *dy, const float *relu_affine,
                                float *dx) {
    if (n_begin < 0) n_begin = 0;
    if (n_end > n) n_end = n;
    for (int32_t i = n_begin; i < n_end; ++i)
        for (int32_t ch = 0; ch < c; ++ch) {
            const float mean = save_mean[ch], fa = coeffs[3 * ch], fb = coeffs[3 * ch + 1], fk = coeffs[3 * ch + 2];
            const float *p = plane(x, c, hw, i, ch), *d = plane(dy, c, hw, i, ch);
            float *q = dx + ((int64_t)i * c + ch) * hw;
            if (relu_affine) {
                const float scale = relu_affine[2 * ch], shift = relu_affine[2 * ch + 1];
                for (int64_t j = 0; j < hw; ++j) {
                    const float dj = c4j_keep_if(passes(1, p[j], scale, shift), d[j]);
                    q[j] = fa * dj - fb - (p[j] - mean) * fk;
                }
            } else
                for (int64_t j = 0; j < hw; ++j) q[j] = fa * d[j] - fb - (p[j] - mean) * fk;
        }
}

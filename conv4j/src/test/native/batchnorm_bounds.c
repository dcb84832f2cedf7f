/* Batch normalisation under AddressSanitizer/UBSan (scripts/native-sanitize.sh): the training
 * forward (batch statistics, saved mean and inverse std, running statistics with the unbiased
 * variance), the eval forward (running statistics) and the backward of both modes (dx overwritten,
 * dgamma/dbeta accumulated onto what was there), the forward also with the ReLU fused (its
 * output rectified) and with a residual addend fused (then rectified or not), the backward also
 * taking over the fused ReLU's (dy counting only where the forward's rectified output is
 * positive, from the affine stats wrote), the passes over the data in two calls split at a random
 * image (the sums table and statistics whole), on buffers of exactly the documented sizes with
 * outputs pre-filled with NaN, against a naive double-precision reference. */
#include "check.h"

typedef struct {
    int32_t n, c;
    int64_t hw;
} shape;

static double at(const shape *s, const float *t, int32_t i, int32_t ch, int64_t j) {
    return t[((int64_t)i * s->c + ch) * s->hw + j];
}

/* Mean and biased variance of channel ch, two passes. */
static void moments(const shape *s, const float *x, int32_t ch, double *mean, double *var) {
    const double count = (double)s->n * (double)s->hw;
    double sum = 0.0, sq = 0.0;
    for (int32_t i = 0; i < s->n; ++i)
        for (int64_t j = 0; j < s->hw; ++j) sum += at(s, x, i, ch, j);
    *mean = sum / count;
    for (int32_t i = 0; i < s->n; ++i)
        for (int64_t j = 0; j < s->hw; ++j) sq += (at(s, x, i, ch, j) - *mean) * (at(s, x, i, ch, j) - *mean);
    *var = sq / count;
}

/* y = gamma * (x - mean) / sqrt(var + eps) + beta, channel ch. */
static void normalise(const shape *s, const float *x, int32_t ch, double mean, double var, double eps,
                      double gamma, double beta, double *y) {
    const double inv = 1.0 / sqrt(var + eps);
    for (int32_t i = 0; i < s->n; ++i)
        for (int64_t j = 0; j < s->hw; ++j)
            y[((int64_t)i * s->c + ch) * s->hw + j] = gamma * (at(s, x, i, ch, j) - mean) * inv + beta;
}

static int forward_case(int it, const shape *s, int training, int relu, int add, const float *x, const float *gamma,
                        const float *beta) {
    const int64_t len = (int64_t)s->n * s->c * s->hw;
    const float eps = 1e-5f, momentum = (float)pick(0, 10) / 10.0f;
    float *rmean = filled(s->c), *rvar = filled(s->c), *smean = nan_filled(s->c), *sinv = nan_filled(s->c), *y = nan_filled(len),
          *affine = nan_filled(2 * (int64_t)s->c), *addend = add ? filled(len) : NULL;
    for (int32_t ch = 0; ch < s->c; ++ch) rvar[ch] = fabsf(rvar[ch]) + 0.1f; /* a variance */
    double *want_y = zeros(len), *want_rm = zeros(s->c), *want_rv = zeros(s->c), *want_sm = zeros(s->c),
           *want_si = zeros(s->c);
    const double count = (double)s->n * (double)s->hw;
    for (int32_t ch = 0; ch < s->c; ++ch) {
        double mean = rmean[ch], var = rvar[ch];
        want_rm[ch] = rmean[ch];
        want_rv[ch] = rvar[ch];
        if (training) {
            moments(s, x, ch, &mean, &var);
            want_rm[ch] = (1.0 - momentum) * rmean[ch] + momentum * mean;
            want_rv[ch] = (1.0 - momentum) * rvar[ch] + momentum * (count > 1 ? var * count / (count - 1) : var);
        }
        want_sm[ch] = mean;
        want_si[ch] = 1.0 / sqrt(var + eps);
        normalise(s, x, ch, mean, var, eps, gamma[ch], beta[ch], want_y);
    }
    for (int64_t i = 0; i < len; ++i) {
        if (addend) want_y[i] += addend[i];
        if (relu) want_y[i] = want_y[i] > 0.0 ? want_y[i] : 0.0;
    }
    /* The passes over the data in two calls split at a random image, as workers split the batch;
     * the sums table (2 doubles per image and channel) and the statistics in between whole. */
    const int32_t split = pick(0, s->n);
    double *sums = nan_doubles(2 * (int64_t)s->n * s->c);
    if (training) {
        c4j_batchnorm2d_sums(s->n, s->c, s->hw, 0, split, x, NULL, NULL, NULL, sums);
        c4j_batchnorm2d_sums(s->n, s->c, s->hw, split, s->n, x, NULL, NULL, NULL, sums);
    }
    c4j_batchnorm2d_stats(s->n, s->c, s->hw, training, sums, eps, momentum, rmean, rvar, smean, sinv, gamma, beta, affine);
    c4j_batchnorm2d_normalize(s->n, s->c, s->hw, 0, split, relu, x, affine, addend, y);
    c4j_batchnorm2d_normalize(s->n, s->c, s->hw, split, s->n, relu, x, affine, addend, y);
    free(sums);
    /* the affine is the saved statistics' scale and shift, in float, as the kernel documents */
    int ok = 1;
    for (int32_t ch = 0; ch < s->c && ok; ++ch) {
        const float scale = gamma[ch] * sinv[ch], shift = beta[ch] - smean[ch] * scale;
        ok = same_bits("affine scale", it, affine + 2 * ch, &scale, sizeof scale) && same_bits("affine shift", it, affine + 2 * ch + 1, &shift, sizeof shift);
    }
    /* the eval pass's saved statistics are not part of its contract: only training's are checked */
    ok = ok && agrees("y", it, y, want_y, len, 1e-4) && agrees("running_mean", it, rmean, want_rm, s->c, 1e-5) &&
             agrees("running_var", it, rvar, want_rv, s->c, 1e-5) &&
             (!training || (agrees("save_mean", it, smean, want_sm, s->c, 1e-5) &&
                            agrees("save_invstd", it, sinv, want_si, s->c, 1e-4)));
    free(rmean); free(rvar); free(smean); free(sinv); free(y); free(affine); free(addend);
    free(want_y); free(want_rm); free(want_rv); free(want_sm); free(want_si);
    return ok;
}

/* The gradient sums of one plane as batchnorm.c documents them, bit for bit: eight float lanes
 * over each block of 256 floats (lane l takes the elements at l mod 8), the lanes added in double
 * in lane order and the blocks in order, the tail in one float; dy masked to +0 where the fused
 * ReLU's output x*scale + shift is not positive. Whatever the kernel vectorises with must agree. */
static void lane_sums(const float *x, const float *dy, int64_t len, float m, int relu, float scale, float shift, double *out) {
    double tg = 0.0, tgx = 0.0;
    int64_t j = 0;
    for (; j + 256 <= len; j += 256) {
        float ag[8] = {0}, agx[8] = {0};
        for (int64_t k = j; k < j + 256; ++k) {
            const float v = x[k] * scale + shift, d = !relu || v > 0.0f ? dy[k] : 0.0f;
            ag[k % 8] += d;
            agx[k % 8] += d * (x[k] - m);
        }
        for (int l = 0; l < 8; ++l) tg += ag[l];
        for (int l = 0; l < 8; ++l) tgx += agx[l];
    }
    float fg = 0.0f, fgx = 0.0f;
    for (; j < len; ++j) {
        const float v = x[j] * scale + shift, d = !relu || v > 0.0f ? dy[j] : 0.0f;
        fg += d;
        fgx += d * (x[j] - m);
    }
    out[0] = tg + fg;
    out[1] = tgx + fgx;
}

/* In training dx = gamma*invstd/count * (count*dy - sum(dy) - xhat*sum(dy*xhat)); in evaluation
 * (the saved statistics are constants) dx = gamma*invstd*dy. Both: dgamma += sum(dy*xhat),
 * dbeta += sum(dy), per channel, with the statistics recomputed here from x. */
/* relu: the backward takes over the fused ReLU's, so the reference's dy is the given one where
 * the forward's rectified output (normalize with relu, from the same affine) is positive, else 0. */
static int backward_case(int it, const shape *s, int training, int relu, const float *x, const float *gamma,
                         const float *beta) {
    const int64_t len = (int64_t)s->n * s->c * s->hw;
    float *dy = filled(len), *dx = nan_filled(len), *dgamma = filled(s->c), *dbeta = filled(s->c);
    float *smean = malloc((size_t)s->c * sizeof(float)), *sinv = malloc((size_t)s->c * sizeof(float));
    float *affine = relu ? malloc(2 * (size_t)s->c * sizeof(float)) : NULL, *y = relu ? nan_filled(len) : NULL;
    float *dy_in = relu ? dup_of(dy, (size_t)len * sizeof(float)) : dy;   /* what the kernel gets */
    double *want_dx = zeros(len), *want_dg = zeros(s->c), *want_db = zeros(s->c);
    const double count = (double)s->n * (double)s->hw, eps = 1e-5;
    for (int32_t ch = 0; ch < s->c; ++ch) {
        double mean, var;
        moments(s, x, ch, &mean, &var);
        smean[ch] = (float)mean;
        sinv[ch] = (float)(1.0 / sqrt(var + eps));
        if (relu) {
            affine[2 * ch] = gamma[ch] * sinv[ch];
            affine[2 * ch + 1] = beta[ch] - smean[ch] * affine[2 * ch];
        }
    }
    if (relu) {
        c4j_batchnorm2d_normalize(s->n, s->c, s->hw, 0, s->n, 1, x, affine, NULL, y);
        for (int64_t i = 0; i < len; ++i)
            if (!(y[i] > 0.0f)) dy[i] = 0.0f;   /* the reference's gradient after the ReLU */
    }
    for (int32_t ch = 0; ch < s->c; ++ch) {
        const double inv = sinv[ch];
        double sdy = 0.0, sdyx = 0.0;
        for (int32_t i = 0; i < s->n; ++i)
            for (int64_t j = 0; j < s->hw; ++j) {
                sdy += at(s, dy, i, ch, j);
                sdyx += at(s, dy, i, ch, j) * (at(s, x, i, ch, j) - smean[ch]) * inv;
            }
        want_dg[ch] = dgamma[ch] + sdyx;
        want_db[ch] = dbeta[ch] + sdy;
        for (int32_t i = 0; i < s->n; ++i)
            for (int64_t j = 0; j < s->hw; ++j) {
                double xhat = (at(s, x, i, ch, j) - smean[ch]) * inv;
                want_dx[((int64_t)i * s->c + ch) * s->hw + j] =
                    training ? gamma[ch] * inv / count * (count * at(s, dy, i, ch, j) - sdy - xhat * sdyx)
                             : gamma[ch] * inv * at(s, dy, i, ch, j);
            }
    }
    const int32_t split = pick(0, s->n);
    double *sums = nan_doubles(2 * (int64_t)s->n * s->c);
    float *coeffs = nan_filled(3 * (int64_t)s->c);
    c4j_batchnorm2d_sums(s->n, s->c, s->hw, 0, split, x, smean, dy_in, affine, sums);
    c4j_batchnorm2d_sums(s->n, s->c, s->hw, split, s->n, x, smean, dy_in, affine, sums);
    int ok = 1;
    for (int32_t i = 0; i < s->n && ok; ++i)
        for (int32_t ch = 0; ch < s->c && ok; ++ch) {
            const int64_t at_plane = ((int64_t)i * s->c + ch) * s->hw;
            double want[2];
            lane_sums(x + at_plane, dy_in + at_plane, s->hw, smean[ch], relu, relu ? affine[2 * ch] : 1.0f, relu ? affine[2 * ch + 1] : 0.0f, want);
            ok = same_bits("gradient sums", it, sums + 2 * ((int64_t)i * s->c + ch), want, sizeof want);
        }
    c4j_batchnorm2d_grad_coeffs(s->n, s->c, s->hw, training, sums, gamma, sinv, dgamma, dbeta, coeffs);
    c4j_batchnorm2d_input_grad(s->n, s->c, s->hw, 0, split, x, smean, coeffs, dy_in, affine, dx);
    c4j_batchnorm2d_input_grad(s->n, s->c, s->hw, split, s->n, x, smean, coeffs, dy_in, affine, dx);
    free(sums); free(coeffs);
    if (relu) { free(dy_in); free(affine); free(y); }
    /* gradients grow with the batch; the tolerance follows the sums' length */
    const double tol = 1e-5 * (1.0 + count);
    ok = ok && agrees("dx", it, dx, want_dx, len, tol) && agrees("dgamma", it, dgamma, want_dg, s->c, tol) &&
             agrees("dbeta", it, dbeta, want_db, s->c, tol);
    free(dy); free(dx); free(dgamma); free(dbeta); free(smean); free(sinv);
    free(want_dx); free(want_dg); free(want_db);
    return ok;
}

static int one_case(int it) {
    /* one draw per statement: the order of an initialiser list's evaluations is unspecified,
     * and a case must replay the same under every compiler */
    shape s;
    s.n = pick(1, 4);
    s.c = pick(1, 5);
    const int wide = pick(0, 3) == 0;
    /* past the kernel's 256-float blocks; a quarter of the cases past the forward sums' four
     * blocks at once (then one to three single blocks and a tail) */
    s.hw = wide ? pick(1024, 2600) : pick(1, 600);
    const int64_t len = (int64_t)s.n * s.c * s.hw;
    float *x = filled(len), *gamma = filled(s.c), *beta = filled(s.c);
    int ok = 1;
    for (int mode = 0; mode < 8 && ok; ++mode)   /* training, relu, addend */
        ok = forward_case(it, &s, mode & 1, (mode >> 1) & 1, mode >> 2, x, gamma, beta);
    for (int mode = 0; mode < 4 && ok; ++mode)   /* training, relu */
        ok = backward_case(it, &s, mode & 1, mode >> 1, x, gamma, beta);
    if (!ok) fprintf(stderr, "case %d: N%d C%d HW%lld\n", it, s.n, s.c, (long long)s.hw);
    free(x); free(gamma); free(beta);
    return !ok;
}

int main(int argc, char **argv) { return run_cases("batchnorm_bounds", argc, argv, one_case); }

/* The kernels of modern CNN layers under AddressSanitizer/UBSan (scripts/native-sanitize.sh):
 * every C4J_ACT_* activation forward and backward, softmax and log-softmax forward and backward,
 * adaptive average pooling forward and backward, and the label-smoothed cross-entropy, on
 * buffers of exactly the documented sizes with outputs pre-filled with NaN, against naive
 * double-precision references written from PyTorch's definitions (not from the kernels). Inputs
 * are multiples of 8/1000 in [-8, 8], so the kinks 0, +-3 and 6 occur exactly and their
 * derivatives are checked too. Unknown kinds and bad geometries must return C4J_EBADARG and
 * leave the outputs alone. */
#include "check.h"

static const double PI = 3.14159265358979323846;   /* PI is not C99 */

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }
static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* f(x) and f'(x) of activation kind, PyTorch's kinks. */
static void reference(int32_t kind, double alpha, double x, double *f, double *d) {
    const double k = sqrt(2.0 / PI), a = 0.044715;
    switch (kind) {
    case C4J_ACT_LEAKY_RELU: *f = x > 0 ? x : alpha * x; *d = x > 0 ? 1 : alpha; break;
    case C4J_ACT_SIGMOID: *f = sigmoid(x); *d = sigmoid(x) * (1 - sigmoid(x)); break;
    case C4J_ACT_TANH: *f = tanh(x); *d = 1 - tanh(x) * tanh(x); break;
    case C4J_ACT_RELU6: *f = clampd(x, 0, 6); *d = x > 0 && x < 6; break;
    case C4J_ACT_SILU: *f = x * sigmoid(x); *d = sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x)); break;
    case C4J_ACT_GELU:
        *f = 0.5 * x * (1 + erf(x / sqrt(2.0)));
        *d = 0.5 * (1 + erf(x / sqrt(2.0))) + x * exp(-x * x / 2) / sqrt(2 * PI);
        break;
    case C4J_ACT_GELU_TANH: {
        const double t = tanh(k * (x + a * x * x * x));
        *f = 0.5 * x * (1 + t);
        *d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * a * x * x);
        break;
    }
    case C4J_ACT_HARDSIGMOID: *f = clampd(x + 3, 0, 6) / 6; *d = x > -3 && x < 3 ? 1.0 / 6 : 0; break;
    case C4J_ACT_HARDSWISH: *f = x * clampd(x + 3, 0, 6) / 6; *d = x < -3 ? 0 : x <= 3 ? x / 3 + 0.5 : 1; break;
    }
}

static float *scaled(int64_t len, float by) {
    float *p = filled(len);
    for (int64_t i = 0; i < len; ++i) p[i] *= by;
    return p;
}

static int activation_case(int it, int64_t len) {
    const int32_t kind = pick(0, C4J_ACT_KINDS - 1);
    const float alpha = (float)pick(-500, 500) / 1000.0f;
    float *x = scaled(len, 8.0f), *dy = filled(len), *y = nan_filled(len), *dx = nan_filled(len);
    double *want_y = zeros(len), *want_dx = zeros(len);
    for (int64_t i = 0; i < len; ++i) {
        double f, d;
        reference(kind, alpha, x[i], &f, &d);
        want_y[i] = f;
        want_dx[i] = d * dy[i];
    }
    int ok = status_is("activation forward", it, c4j_activation_forward(kind, alpha, len, x, y), C4J_OK) &&
             status_is("activation backward", it, c4j_activation_backward(kind, alpha, len, x, dy, dx), C4J_OK) &&
             agrees("activation y", it, y, want_y, len, 2e-6) && agrees("activation dx", it, dx, want_dx, len, 2e-6);
    /* an unknown kind or a negative length is refused before any write */
    float *keep = dup_of(y, (size_t)len * sizeof(float));
    const int32_t bad_kind = pick(0, 1) ? C4J_ACT_KINDS + pick(0, 100) : -pick(1, 100);
    ok = ok && status_is("activation forward, bad kind", it, c4j_activation_forward(bad_kind, alpha, len, x, y), C4J_EBADARG) &&
         status_is("activation backward, bad kind", it, c4j_activation_backward(bad_kind, alpha, len, x, dy, y), C4J_EBADARG) &&
         status_is("activation forward, len < 0", it, c4j_activation_forward(kind, alpha, -1 - len, x, y), C4J_EBADARG) &&
         unchanged("y after refused calls", it, y, keep, (size_t)len * sizeof(float));
    if (!ok) fprintf(stderr, "case %d: activation kind %d alpha %g len %lld\n", it, kind, alpha, (long long)len);
    free(x); free(dy); free(y); free(dx); free(want_y); free(want_dx); free(keep);
    return ok;
}

static int softmax_case(int it, int32_t n, int32_t c) {
    const int32_t log_form = pick(0, 1);
    const int64_t len = (int64_t)n * c;
    /* logits up to +-100 as well: the max subtraction must keep them finite */
    float *x = scaled(len, pick(0, 1) ? 100.0f : 4.0f), *dy = filled(len), *y = nan_filled(len), *dx = nan_filled(len);
    double *want_y = zeros(len), *want_dx = zeros(len);
    for (int32_t i = 0; i < n; ++i) {
        const float *z = x + (int64_t)i * c;
        double zmax = z[0], sum = 0, dot = 0;
        for (int32_t j = 1; j < c; ++j) zmax = z[j] > zmax ? z[j] : zmax;
        for (int32_t j = 0; j < c; ++j) sum += exp(z[j] - zmax);
        double *wy = want_y + (int64_t)i * c, *wd = want_dx + (int64_t)i * c;
        const float *g = dy + (int64_t)i * c;
        for (int32_t j = 0; j < c; ++j) {
            const double p = exp(z[j] - zmax) / sum;
            wy[j] = log_form ? z[j] - zmax - log(sum) : p;
            dot += log_form ? g[j] : g[j] * p;
        }
        for (int32_t j = 0; j < c; ++j) {
            const double p = exp(z[j] - zmax) / sum;
            wd[j] = log_form ? g[j] - p * dot : p * (g[j] - dot);
        }
    }
    int ok = status_is("softmax forward", it, c4j_softmax_forward(n, c, log_form, x, y), C4J_OK) &&
             status_is("softmax backward", it, c4j_softmax_backward(n, c, log_form, y, dy, dx), C4J_OK) &&
             agrees("softmax y", it, y, want_y, len, 1e-5) && agrees("softmax dx", it, dx, want_dx, len, 1e-5);
    float *keep = dup_of(y, (size_t)len * sizeof(float));
    ok = ok && status_is("softmax forward, c = 0", it, c4j_softmax_forward(n, 0, log_form, x, y), C4J_EBADARG) &&
         status_is("softmax backward, n < 0", it, c4j_softmax_backward(-n - 1, c, log_form, y, dy, dx), C4J_EBADARG) &&
         unchanged("softmax y after refused calls", it, y, keep, (size_t)len * sizeof(float));
    if (!ok) fprintf(stderr, "case %d: %s of %d x %d\n", it, log_form ? "log_softmax" : "softmax", n, c);
    free(x); free(dy); free(y); free(dx); free(want_y); free(want_dx); free(keep);
    return ok;
}

static int64_t win_begin(int64_t i, int64_t in, int64_t out) { return (int64_t)floor((double)i * in / out); }
static int64_t win_end(int64_t i, int64_t in, int64_t out) { return (int64_t)ceil((double)(i + 1) * in / out); }

static int adaptive_case(int it) {
    const int32_t n = pick(0, 3), c = pick(1, 3), h = pick(1, 12), w = pick(1, 12), oh = pick(1, 14), ow = pick(1, 14);
    const int64_t in_len = (int64_t)n * c * h * w, out_len = (int64_t)n * c * oh * ow;
    float *x = filled(in_len), *dy = filled(out_len), *y = nan_filled(out_len), *dx = nan_filled(in_len);
    double *want_y = zeros(out_len), *want_dx = zeros(in_len);
    for (int64_t p = 0; p < (int64_t)n * c; ++p)
        for (int64_t i = 0; i < oh; ++i)
            for (int64_t j = 0; j < ow; ++j) {
                const int64_t r0 = win_begin(i, h, oh), r1 = win_end(i, h, oh), c0 = win_begin(j, w, ow), c1 = win_end(j, w, ow);
                const double count = (double)((r1 - r0) * (c1 - c0)), g = dy[(p * oh + i) * ow + j];
                double sum = 0;
                for (int64_t r = r0; r < r1; ++r)
                    for (int64_t q = c0; q < c1; ++q) {
                        sum += x[(p * h + r) * w + q];
                        want_dx[(p * h + r) * w + q] += g / count;
                    }
                want_y[(p * oh + i) * ow + j] = sum / count;
            }
    int ok = status_is("adaptive forward", it, c4j_adaptive_avgpool2d_forward(n, c, h, w, oh, ow, x, y), C4J_OK) &&
             status_is("adaptive backward", it, c4j_adaptive_avgpool2d_backward(n, c, h, w, oh, ow, dy, dx), C4J_OK) &&
             agrees("adaptive y", it, y, want_y, out_len, 1e-5) && agrees("adaptive dx", it, dx, want_dx, in_len, 1e-5);
    float *keep = dup_of(y, (size_t)out_len * sizeof(float));
    ok = ok && status_is("adaptive forward, oh = 0", it, c4j_adaptive_avgpool2d_forward(n, c, h, w, 0, ow, x, y), C4J_EBADARG) &&
         status_is("adaptive forward, h < 0", it, c4j_adaptive_avgpool2d_forward(n, c, -h, w, oh, ow, x, y), C4J_EBADARG) &&
         status_is("adaptive backward, c = 0", it, c4j_adaptive_avgpool2d_backward(n, 0, h, w, oh, ow, dy, dx), C4J_EBADARG) &&
         unchanged("adaptive y after refused calls", it, y, keep, (size_t)out_len * sizeof(float));
    if (!ok) fprintf(stderr, "case %d: adaptive pool %dx%dx%dx%d -> %dx%d\n", it, n, c, h, w, oh, ow);
    free(x); free(dy); free(y); free(dx); free(want_y); free(want_dx); free(keep);
    return ok;
}

static int smoothing_case(int it, int32_t n, int32_t c) {
    const float eps = pick(0, 3) == 0 ? 0.0f : (float)pick(1, 1000) / 1000.0f;
    const int64_t len = (int64_t)n * c;
    float *z = scaled(len, 10.0f), *d = nan_filled(len), *loss = nan_filled(1);
    int32_t *labels = malloc((size_t)n * sizeof(int32_t)), correct = -1, hits = 0;
    double *want_d = zeros(len), want_loss = 0;
    for (int32_t i = 0; i < n; ++i) labels[i] = pick(0, c - 1);
    for (int32_t i = 0; i < n; ++i) {
        const float *r = z + (int64_t)i * c;
        int32_t best = 0;
        double zmax = r[0], sum = 0;
        for (int32_t j = 1; j < c; ++j) {
            if (r[j] > r[best]) best = j;
            zmax = r[j] > zmax ? r[j] : zmax;
        }
        for (int32_t j = 0; j < c; ++j) sum += exp(r[j] - zmax);
        for (int32_t j = 0; j < c; ++j) {
            const double logp = r[j] - zmax - log(sum), t = (1.0 - eps) * (j == labels[i]) + (double)eps / c;
            want_loss -= t * logp / n;
            want_d[(int64_t)i * c + j] = (exp(logp) - t) / n;
        }
        hits += best == labels[i];
    }
    int ok = status_is("smoothed cross-entropy", it, c4j_softmax_cross_entropy_smoothed(n, c, eps, z, labels, loss, d, &correct), C4J_OK) &&
             agrees("smoothed loss", it, loss, &want_loss, 1, 1e-5) && agrees("smoothed dlogits", it, d, want_d, len, 1e-6) &&
             correct == hits;
    /* eps outside [0, 1] and a label outside [0, c) are refused before any write */
    float *keep = dup_of(d, (size_t)len * sizeof(float));
    ok = ok && status_is("smoothing > 1", it, c4j_softmax_cross_entropy_smoothed(n, c, 1.5f, z, labels, loss, d, NULL), C4J_EBADARG) &&
         status_is("smoothing NaN", it, c4j_softmax_cross_entropy_smoothed(n, c, NAN, z, labels, loss, d, NULL), C4J_EBADARG);
    labels[pick(0, n - 1)] = pick(0, 1) ? c : -1;
    ok = ok && status_is("label out of range", it, c4j_softmax_cross_entropy_smoothed(n, c, eps, z, labels, loss, d, NULL), C4J_ELABEL) &&
         unchanged("dlogits after refused calls", it, d, keep, (size_t)len * sizeof(float));
    if (!ok) fprintf(stderr, "case %d: smoothed cross-entropy %d x %d eps %g\n", it, n, c, eps);
    free(z); free(d); free(loss); free(labels); free(want_d); free(keep);
    return ok;
}

static int one_case(int it) {
    const int64_t len = pick(0, 3) == 0 ? pick(100, 2000) : pick(0, 40);
    const int32_t n = pick(1, 6), c = pick(1, 40);
    return !(activation_case(it, len) && softmax_case(it, n, c) && adaptive_case(it) && smoothing_case(it, n, c));
}

int main(int argc, char **argv) { return run_cases("activations_bounds", argc, argv, one_case); }

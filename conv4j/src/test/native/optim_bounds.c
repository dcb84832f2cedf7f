/* Optimiser updates and the finiteness test under AddressSanitizer/UBSan
 * (scripts/native-sanitize.sh): SGD with and without momentum, dampening, Nesterov, weight decay
 * and the first step; Adam and AdamW over several steps; c4j_all_finite with a NaN or an
 * infinity anywhere (the last element included). Buffers of exactly the parameter count,
 * checked against PyTorch's formulas evaluated in double. */
#include "check.h"

typedef struct {
    float lr, momentum, dampening, weight_decay;
    int32_t nesterov, first_step;
} sgd_args;

/* PyTorch's SGD, one element: returns the new parameter, updates *v when there is momentum. */
static double sgd_reference(const sgd_args *a, double p, double g, double *v) {
    g += (double)a->weight_decay * p;
    if (a->momentum != 0.0f) {
        *v = a->first_step ? g : (double)a->momentum * *v + (1.0 - a->dampening) * g;
        g = a->nesterov ? g + (double)a->momentum * *v : *v;
    }
    return p - (double)a->lr * g;
}

/* Three slices [cut[s], cut[s+1]) covering [0, len), cut at random points (empty slices too). */
static void slices(int64_t len, int64_t cut[4]) {
    const int64_t a = len > 0 ? pick(0, (int32_t)len) : 0; /* one draw per statement, as above */
    const int64_t b = len > 0 ? pick(0, (int32_t)len) : 0;
    cut[0] = 0;
    cut[1] = a < b ? a : b;
    cut[2] = a < b ? b : a;
    cut[3] = len;
}

static int sgd_case(int it, int64_t len) {
    sgd_args a; /* one draw per statement, so a case replays the same under every compiler */
    a.lr = (float)pick(1, 100) / 1000.0f;
    a.momentum = pick(0, 1) ? (float)pick(1, 9) / 10.0f : 0.0f;
    a.dampening = pick(0, 1) ? (float)pick(1, 5) / 10.0f : 0.0f;
    a.weight_decay = pick(0, 1) ? (float)pick(1, 10) / 100.0f : 0.0f;
    a.nesterov = pick(0, 1);
    a.first_step = pick(0, 1);
    float *param = filled(len), *grad = filled(len), *velocity = filled(len);
    double *want_p = zeros(len), *want_v = zeros(len);
    for (int64_t i = 0; i < len; ++i) {
        want_v[i] = velocity[i];
        want_p[i] = sgd_reference(&a, param[i], grad[i], &want_v[i]);
    }
    /* in up to three slices cut anywhere, as workers update a buffer; then ranges past either end, which must be refused */
    int64_t cut[4];
    slices(len, cut);
    int ok = 1;
    for (int s = 0; s < 3; ++s)
        ok &= c4j_sgd_step(len, cut[s], cut[s + 1], param, grad, velocity, a.lr, a.momentum, a.dampening, a.weight_decay,
                           a.nesterov, a.first_step) == C4J_OK;
    ok &= c4j_sgd_step(len, 0, len + 1, param, grad, velocity, a.lr, a.momentum, a.dampening, a.weight_decay, a.nesterov,
                       a.first_step) == C4J_EBADARG;
    ok &= c4j_sgd_step(len, -1, len, param, grad, velocity, a.lr, a.momentum, a.dampening, a.weight_decay, a.nesterov,
                       a.first_step) == C4J_EBADARG;
    ok &= c4j_sgd_step(len, len, len - 1, param, grad, velocity, a.lr, a.momentum, a.dampening, a.weight_decay, a.nesterov,
                       a.first_step) == C4J_EBADARG;
    if (!ok) fprintf(stderr, "case %d: sgd refused a slice of %lld or took a bad one\n", it, (long long)len);
    ok = ok && agrees("sgd param", it, param, want_p, len, 1e-6) && agrees("sgd velocity", it, velocity, want_v, len, 1e-6);
    if (!ok)
        fprintf(stderr, "case %d: sgd lr %g momentum %g dampening %g wd %g nesterov %d first %d\n", it, a.lr,
                a.momentum, a.dampening, a.weight_decay, a.nesterov, a.first_step);
    free(param); free(grad); free(velocity); free(want_p); free(want_v);
    return ok;
}

/* Adam (decoupled 0: L2 added to the gradient) or AdamW (1), steps 1..steps, fresh gradients.
 * Each step's reference starts from the kernel's own float state and forms the L2 gradient in
 * float, as the float32 contract does: where grad + wd*p nearly cancels, Adam's normalised step
 * turns a rounding difference in g into a difference of up to lr, so a double g would differ
 * without any bug. */
static int adam_case(int it, int64_t len) {
    const float lr = (float)pick(1, 100) / 10000.0f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
    const float wd = pick(0, 1) ? (float)pick(1, 10) / 100.0f : 0.0f;
    const int32_t decoupled = pick(0, 1), steps = pick(1, 4);
    float *param = filled(len), *m = calloc((size_t)(len > 0 ? len : 1), sizeof(float)),
          *v = calloc((size_t)(len > 0 ? len : 1), sizeof(float));
    double *want_p = zeros(len), *want_m = zeros(len), *want_v = zeros(len);
    int ok = 1;
    for (int32_t t = 1; t <= steps && ok; ++t) {
        float *grad = filled(len);
        const double bias1 = 1.0 - pow(beta1, t), bias2 = 1.0 - pow(beta2, t);
        for (int64_t i = 0; i < len; ++i) {
            const float g = decoupled ? grad[i] : grad[i] + wd * param[i];
            const double p = decoupled ? param[i] * (1.0 - (double)lr * wd) : param[i];
            want_m[i] = beta1 * (double)m[i] + (1.0 - beta1) * g;
            want_v[i] = beta2 * (double)v[i] + (1.0 - beta2) * (double)g * g;
            want_p[i] = p - lr / bias1 * want_m[i] / (sqrt(want_v[i]) / sqrt(bias2) + eps);
        }
        int64_t cut[4];
        slices(len, cut);
        for (int s = 0; s < 3; ++s)
            ok &= c4j_adam_step(len, cut[s], cut[s + 1], param, grad, m, v, lr, beta1, beta2, eps, wd, decoupled, t) == C4J_OK;
        ok &= c4j_adam_step(len, 1, len + 1, param, grad, m, v, lr, beta1, beta2, eps, wd, decoupled, t) == C4J_EBADARG;
        if (!ok) fprintf(stderr, "case %d: adam refused a slice of %lld or took a bad one\n", it, (long long)len);
        ok = ok && agrees("adam param", it, param, want_p, len, 1e-6) && agrees("adam m", it, m, want_m, len, 1e-6) &&
             agrees("adam v", it, v, want_v, len, 1e-6);
        free(grad);
    }
    if (!ok) fprintf(stderr, "case %d: adam lr %g wd %g decoupled %d steps %d\n", it, lr, wd, decoupled, steps);
    free(param); free(m); free(v); free(want_p); free(want_m); free(want_v);
    return ok;
}

static int all_finite_case(int it, int64_t len) {
    float *x = filled(len);
    int ok = c4j_all_finite(len, x) == 1;
    if (len > 0) {
        const float bad[3] = {NAN, INFINITY, -INFINITY};
        const int64_t at = pick(0, 1) ? len - 1 : pick(0, (int32_t)len - 1);
        x[at] = bad[pick(0, 2)];
        ok = ok && c4j_all_finite(len, x) == 0;
    }
    if (!ok) fprintf(stderr, "case %d: c4j_all_finite wrong on %lld values\n", it, (long long)len);
    free(x);
    return ok;
}

static int one_case(int it) {
    /* lengths around the 8-float vector width, and one long enough for any unrolled loop */
    const int64_t len = pick(0, 3) == 0 ? pick(100, 1000) : pick(0, 40);
    return !(all_finite_case(it, len) && sgd_case(it, len) && adam_case(it, len));
}

int main(int argc, char **argv) { return run_cases("optim_bounds", argc, argv, one_case); }

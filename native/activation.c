/* Elementwise activations: ReLU, inverted dropout, and the pointwise activations of a C4J_ACT_* kind. */
#include <math.h>
#include "conv4j.h"
#include "mask.h"

void c4j_relu_forward(int64_t begin, int64_t end, const float *x, float *y) {
    for (int64_t i = begin; i < end; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void c4j_relu_backward(int64_t begin, int64_t end, const float *y, const float *dy, const float *dy2, float *dx) {
    /* Both loads unconditional, so the select compiles to a blend instead of a branch that
     * mispredicts on half the elements. */
    if (dy2)
        for (int64_t i = begin; i < end; ++i) {
            /* a select would let the compiler move the add into the taken branch, which (the
             * add might trap) it then cannot vectorise: mask.h */
            dx[i] = c4j_keep_if(y[i] > 0.0f, dy[i] + dy2[i]);
        }
    else
        for (int64_t i = begin; i < end; ++i) {
            float g = dy[i];
            dx[i] = y[i] > 0.0f ? g : 0.0f;
        }
}

/* SplitMix64 finaliser: a counter-based generator, so element i's draw depends only on (seed, i)
 * and a run is reproducible however the work is split. */
static uint64_t mix(uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void c4j_dropout_forward(int64_t len, float p, uint64_t seed, const float *x, float *y, float *mask) {
    const float keep = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
    const uint64_t base = mix(seed);
    for (int64_t i = 0; i < len; ++i) {
        /* 24 random bits -> uniform in [0, 1) exactly representable as float */
        float u = (float)(mix(base + (uint64_t)i) >> 40) * (1.0f / 16777216.0f);
        mask[i] = u < p ? 0.0f : keep;
        y[i] = x[i] * mask[i];
    }
}

/* ---- the pointwise activations selected by a C4J_ACT_* kind ----------------------------------
 * One value function and one derivative function with the kind as a parameter, rather than a
 * copy of the loop per activation: the switch sits inside the element loop, where the compiler
 * unswitches it (the kind is loop-invariant). Math in float, as PyTorch's float32 CPU kernels;
 * the derivatives at kinks are PyTorch's. */

static const float SQRT1_2 = 0.70710678118654752f;       /* 1/sqrt(2) */
static const float INV_SQRT_2PI = 0.39894228040143268f;  /* 1/sqrt(2*pi) */
static const float SQRT_2_PI = 0.79788456080286536f;     /* sqrt(2/pi) */
static const float GELU_CUBIC = 0.044715f;

/* 1/(1+e^-x) without overflowing e^-x for very negative x. */
static float sigmoidf(float x) {
    if (x >= 0.0f) return 1.0f / (1.0f + expf(-x));
    const float e = expf(x);
    return e / (1.0f + e);
}

static float clampf(float x, float lo, float hi) { return x < lo ? lo : x > hi ? hi : x; }

static float act_value(int32_t kind, float alpha, float x) {
    switch (kind) {
    case C4J_ACT_LEAKY_RELU: return x > 0.0f ? x : x * alpha;
    case C4J_ACT_SIGMOID: return sigmoidf(x);
    case C4J_ACT_TANH: return tanhf(x);
    case C4J_ACT_RELU6: return clampf(x, 0.0f, 6.0f);
    case C4J_ACT_SILU: return x * sigmoidf(x);
    case C4J_ACT_GELU: return 0.5f * x * (1.0f + erff(x * SQRT1_2));
    case C4J_ACT_GELU_TANH: return 0.5f * x * (1.0f + tanhf(SQRT_2_PI * (x + GELU_CUBIC * x * x * x)));
    case C4J_ACT_HARDSIGMOID: return clampf(x + 3.0f, 0.0f, 6.0f) / 6.0f;
    case C4J_ACT_HARDSWISH: return x * clampf(x + 3.0f, 0.0f, 6.0f) / 6.0f;
    default: return 0.0f;   /* unreachable: the entry points refuse unknown kinds */
    }
}

/* d value / dx at x. Kinks as PyTorch's backward kernels: leaky_relu takes alpha at 0 (x > 0
 * passes 1), relu6 (hardtanh) 0 at 0 and at 6, hardsigmoid 1/6 strictly inside (-3, 3),
 * hardswish 0 below -3, x/3 + 1/2 on [-3, 3], 1 above. */
static float act_slope(int32_t kind, float alpha, float x) {
    switch (kind) {
    case C4J_ACT_LEAKY_RELU: return x > 0.0f ? 1.0f : alpha;
    case C4J_ACT_SIGMOID: { const float s = sigmoidf(x); return s * (1.0f - s); }
    case C4J_ACT_TANH: { const float t = tanhf(x); return 1.0f - t * t; }
    case C4J_ACT_RELU6: return x > 0.0f && x < 6.0f ? 1.0f : 0.0f;
    case C4J_ACT_SILU: { const float s = sigmoidf(x); return s * (1.0f + x * (1.0f - s)); }
    case C4J_ACT_GELU:
        return 0.5f * (1.0f + erff(x * SQRT1_2)) + x * INV_SQRT_2PI * expf(-0.5f * x * x);
    case C4J_ACT_GELU_TANH: {
        const float t = tanhf(SQRT_2_PI * (x + GELU_CUBIC * x * x * x));
        return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * SQRT_2_PI * (1.0f + 3.0f * GELU_CUBIC * x * x);
    }
    case C4J_ACT_HARDSIGMOID: return x > -3.0f && x < 3.0f ? 1.0f / 6.0f : 0.0f;
    case C4J_ACT_HARDSWISH: return x < -3.0f ? 0.0f : x <= 3.0f ? x / 3.0f + 0.5f : 1.0f;
    default: return 0.0f;
    }
}

int c4j_activation_forward(int32_t kind, float alpha, int64_t len, const float *x, float *y) {
    if ((uint32_t)kind >= C4J_ACT_KINDS || len < 0) return C4J_EBADARG;
    for (int64_t i = 0; i < len; ++i) y[i] = act_value(kind, alpha, x[i]);
    return C4J_OK;
}

int c4j_activation_backward(int32_t kind, float alpha, int64_t len, const float *x, const float *dy, float *dx) {
    if ((uint32_t)kind >= C4J_ACT_KINDS || len < 0) return C4J_EBADARG;
    for (int64_t i = 0; i < len; ++i) dx[i] = dy[i] * act_slope(kind, alpha, x[i]);
    return C4J_OK;
}

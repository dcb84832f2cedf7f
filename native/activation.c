/* Elementwise activations: ReLU and inverted dropout. */
#include "conv4j.h"

void c4j_relu_forward(int64_t begin, int64_t end, const float *x, float *y) {
    for (int64_t i = begin; i < end; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void c4j_relu_backward(int64_t begin, int64_t end, const float *y, const float *dy, float *dx) {
    /* Both loads unconditional, so the select compiles to a blend instead of a branch that
     * mispredicts on half the elements. */
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

/* Shared by the native memory-safety checks: a seeded generator and buffers of exactly the
 * requested size (so that one float past an end is an AddressSanitizer report). */
#ifndef CONV4J_CHECK_H
#define CONV4J_CHECK_H

#include <stdint.h>
#include <stdlib.h>

static uint64_t state = 0x9E3779B97F4A7C15ull;

/* Uniform in [lo, hi] (xorshift64). */
static int32_t pick(int32_t lo, int32_t hi) {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    return lo + (int32_t)(state % (uint64_t)(hi - lo + 1));
}

/* len floats in [-1, 1] in steps of 1/1000 (ties are common, as in activations). */
static float *filled(int64_t len) {
    float *p = malloc((size_t)(len > 0 ? len : 1) * sizeof(float));
    for (int64_t i = 0; i < len; ++i) p[i] = (float)pick(-1000, 1000) / 1000.0f;
    return p;
}

#endif

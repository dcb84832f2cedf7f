/* Shared by the native memory-safety checks: a seeded generator, buffers of exactly the
 * requested size (so that one float past an end is an AddressSanitizer report), and the
 * per-axis shapes the geometries are drawn from. */
#ifndef CONV4J_CHECK_H
#define CONV4J_CHECK_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static uint64_t state = 0x9E3779B97F4A7C15ull;

/* Uniform in [lo, hi] (xorshift64); the range is taken in 64 bits, so [0, INT32_MAX] is fine. */
static int32_t pick(int32_t lo, int32_t hi) {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    return (int32_t)(lo + (int64_t)(state % (uint64_t)((int64_t)hi - lo + 1)));
}

/* len floats in [-1, 1] in steps of 1/1000 (ties are common, as in activations). */
static float *filled(int64_t len) {
    float *p = malloc((size_t)(len > 0 ? len : 1) * sizeof(float));
    for (int64_t i = 0; i < len; ++i) p[i] = (float)pick(-1000, 1000) / 1000.0f;
    return p;
}

/* len NaNs: an output the kernel was to write and did not shows in any comparison. */
static float *nan_filled(int64_t len) {
    float *p = malloc((size_t)(len > 0 ? len : 1) * sizeof(float));
    for (int64_t i = 0; i < len; ++i) p[i] = NAN;
    return p;
}

/* In [lo, hi], or (when huge, half the time) in [2^16, 2^31-1]: the strides, paddings,
 * dilations and pooling windows that overflowed 32-bit geometry arithmetic. */
static int32_t small_or_huge(int32_t lo, int32_t hi, int huge) {
    return huge && pick(0, 1) ? pick(1 << 16, INT32_MAX) : pick(lo, hi);
}

/* One axis of a layer: input, window (kernel taps, dilation), stride, the padding before and
 * after it, and the output size. */
typedef struct { int64_t in, k, dil, stride, pad, pad_after, out; } axis;

/* Fills pad, pad_after and out for symmetric padding `pad` with floor rounding, or for SAME
 * (out = ceil(in/stride), the total padding halved, the odd one at the end, as the Java layers
 * do). Returns 0 when the window does not fit or a value leaves int32. */
static int shape_axis(axis *a, int same) {
    const int64_t ext = a->dil * (a->k - 1) + 1;
    if (same) {
        a->out = (a->in + a->stride - 1) / a->stride;
        const int64_t total = (a->out - 1) * a->stride + ext - a->in;
        a->pad = total > 0 ? total / 2 : 0;
        a->pad_after = total > 0 ? total - a->pad : 0;
    } else {
        if (a->in + 2 * a->pad < ext) return 0;
        a->pad_after = a->pad;
        a->out = (a->in + 2 * a->pad - ext) / a->stride + 1;
    }
    return a->pad <= INT32_MAX && a->out <= INT32_MAX;
}

/* What the Java layers accept on this axis: the padded extent fits int32. */
static int java_accepts(const axis *a) { return a->in + a->pad + a->pad_after <= INT32_MAX; }

#endif

/* Shared by the native memory-safety checks: a seeded generator, buffers of exactly the
 * requested size (so that one float past an end is an AddressSanitizer report), the per-axis
 * shapes the geometries are drawn from, and the comparisons and the case loop the per-kernel
 * drivers share. Helpers are static inline so that
 * a driver using only some of them compiles without unused-function warnings. */
#ifndef CONV4J_CHECK_H
#define CONV4J_CHECK_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conv4j.h"

static uint64_t state = 0x9E3779B97F4A7C15ull;

/* Uniform in [lo, hi] (xorshift64); the range is taken in 64 bits, so [0, INT32_MAX] is fine. */
static inline int32_t pick(int32_t lo, int32_t hi) {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    return (int32_t)(lo + (int64_t)(state % (uint64_t)((int64_t)hi - lo + 1)));
}

/* len floats in [-1, 1] in steps of 1/1000 (ties are common, as in activations). */
static inline float *filled(int64_t len) {
    float *p = calloc((size_t)(len > 0 ? len : 1), sizeof(float)); /* zeroed: a length-0 buffer has no garbage */
    for (int64_t i = 0; i < len; ++i) p[i] = (float)pick(-1000, 1000) / 1000.0f;
    return p;
}

/* len NaNs: an output the kernel was to write and did not shows in any comparison. */
static inline float *nan_filled(int64_t len) {
    float *p = calloc((size_t)(len > 0 ? len : 1), sizeof(float)); /* zeroed: a length-0 buffer has no garbage */
    for (int64_t i = 0; i < len; ++i) p[i] = NAN;
    return p;
}

/* The same for a table of doubles (batch norm's per-image sums): what a pass leaves unwritten is NaN. */
static inline double *nan_doubles(int64_t len) {
    double *p = calloc((size_t)(len > 0 ? len : 1), sizeof(double));
    for (int64_t i = 0; i < len; ++i) p[i] = NAN;
    return p;
}

/* In [lo, hi], or (when huge, half the time) in [2^16, 2^31-1]: the strides, paddings,
 * dilations and pooling windows that overflowed 32-bit geometry arithmetic. */
static inline int32_t small_or_huge(int32_t lo, int32_t hi, int huge) {
    return huge && pick(0, 1) ? pick(1 << 16, INT32_MAX) : pick(lo, hi);
}

/* One axis of a layer: input, window (kernel taps, dilation), stride, the padding before and
 * after it, and the output size. */
typedef struct { int64_t in, k, dil, stride, pad, pad_after, out; } axis;

/* Fills pad, pad_after and out for symmetric padding `pad` with floor rounding, or for SAME
 * (out = ceil(in/stride), the total padding halved, the odd one at the end, as the Java layers
 * do). Returns 0 when the window does not fit or a value leaves int32. */
static inline int shape_axis(axis *a, int same) {
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
static inline int java_accepts(const axis *a) { return a->in + a->pad + a->pad_after <= INT32_MAX; }

/* Exactly len doubles of zero, for the naive references (accumulated in double). */
static inline double *zeros(int64_t len) { return calloc((size_t)(len > 0 ? len : 1), sizeof(double)); }

/* An exact-size copy, to see later that a kernel left a buffer alone (or to seed a reference). */
static inline void *dup_of(const void *src, size_t bytes) {
    void *p = malloc(bytes > 0 ? bytes : 1);
    if (bytes > 0) memcpy(p, src, bytes);
    return p;
}

/* got matches the reference within tol, relative to max(1, |want|); NaN in got never matches. */
static inline int agrees(const char *what, int it, const float *got, const double *want, int64_t len, double tol) {
    for (int64_t i = 0; i < len; ++i) {
        double scale = fabs(want[i]) > 1.0 ? fabs(want[i]) : 1.0;
        if (!(fabs((double)got[i] - want[i]) <= tol * scale)) {
            fprintf(stderr, "case %d: %s[%lld] = %.9g, reference %.9g\n", it, what, (long long)i, got[i], want[i]);
            return 0;
        }
    }
    return 1;
}

/* The bytes at now equal those at before (a buffer a kernel must not have written). */
static inline int unchanged(const char *what, int it, const void *now, const void *before, size_t bytes) {
    if (bytes == 0 || memcmp(now, before, bytes) == 0) return 1;
    fprintf(stderr, "case %d: %s was written where the kernel must leave it alone\n", it, what);
    return 0;
}

/* got equals want bit for bit (where == is too lenient: -0.0 == 0.0, NaN != NaN). */
static inline int same_bits(const char *what, int it, const void *got, const void *want, size_t bytes) {
    if (bytes == 0 || memcmp(got, want, bytes) == 0) return 1;
    fprintf(stderr, "case %d: %s differs from the reference bit for bit\n", it, what);
    return 0;
}

static inline int status_is(const char *what, int it, int got, int want) {
    if (got == want) return 1;
    fprintf(stderr, "case %d: %s returned %d, expected %d\n", it, what, got, want);
    return 0;
}

/* Runs cases case 0..cases-1 (argv[1], default 300) once on the portable kernels and once on the
 * AVX2/FMA ones (c4j_set_fast_kernels), replaying the same random draws for both so that each
 * path sees the very same case; one_case returns its number of failed checks. Prints one summary
 * line and returns the exit status. */
static inline int run_cases(const char *name, int argc, char **argv, int (*one_case)(int it)) {
    const int cases = argc > 1 ? atoi(argv[1]) : 300;
    int failures = 0;
    for (int it = 0; it < cases; ++it) {
        const uint64_t draws = state;
        for (int fast = 0; fast < 2; ++fast) {
            state = draws;
            c4j_set_fast_kernels(fast);
            int failed = one_case(it);
            if (failed) fprintf(stderr, "case %d failed on the %s kernels\n", it, fast ? "fast" : "portable");
            failures += failed;
        }
    }
    c4j_set_fast_kernels(1);
    printf("%s: %d cases x 2 paths (fast kernels %s), %d failures\n", name, cases,
           c4j_fast_kernels() ? "on this CPU" : "NOT available here: portable twice", failures);
    return failures != 0;
}

#endif

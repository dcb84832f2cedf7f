/* window.h — internal: which taps of a strided, dilated window fall inside an axis. Static inline
 * only: the AVX2 units include it too, each with its own copy (avx2_unit.h). */
#ifndef CONV4J_WINDOW_H
#define CONV4J_WINDOW_H

#include <stdint.h>
#include "conv4j.h"

/* 0 <= v < n (negative v wraps to a huge unsigned). Rows are int64: a window's row can lie up
 * to 2^31 beyond either end of the input, and the step past the last one further still. */
static inline int c4j_inside(int64_t v, int64_t n) { return (uint64_t)v < (uint64_t)n; }

/* The indices t in [0, count) with 0 <= t*step + offset < size, as the range [*lo, *hi).
 * Used per kernel column by im2col (t = output column, step = stride) and per output by pooling
 * (t = kernel tap, step = dilation), so the inner loops need no per-element bounds test.
 * In 64 bits: offset, step and count are each below 2^31 in magnitude (C4J_MAX_EXTENT), so
 * count*step + offset stays far inside int64. */
static inline void c4j_valid_range(int64_t offset, int64_t step, int64_t size, int64_t count,
                                   int64_t *lo, int64_t *hi) {
    if (offset >= 0 && offset + (count - 1) * step < size) {
        /* the common interior case, without the two integer divisions */
        *lo = 0;
        *hi = count;
        return;
    }
    const int64_t a = offset >= 0 ? 0 : (-offset + step - 1) / step;
    const int64_t b = size - offset <= 0 ? 0 : (size - offset + step - 1) / step;
    *lo = a < count ? a : count;
    *hi = b < count ? b : count;
    if (*hi < *lo) *hi = *lo;
}

/* One axis of a window geometry inside conv4j.h's contract, in 64 bits: positive sizes (the
 * padding may be 0), and both the span the windows sweep, (out-1)*stride + dil*(kernel-1) + 1,
 * and the input with its leading padding at most C4J_MAX_EXTENT. Every index the kernels then
 * form on this axis (window starts, taps, padded rows) lies within +-2^31, and products of two
 * of them within int64. Where windows may start is the caller's rule. */
static inline int c4j_axis_ok(int64_t in, int64_t kernel, int64_t pad, int64_t stride, int64_t dil,
                              int64_t out) {
    if (in <= 0 || kernel <= 0 || pad < 0 || stride <= 0 || dil <= 0 || out <= 0) return 0;
    const int64_t span = (out - 1) * stride + dil * (kernel - 1) + 1; /* each term < 2^62 */
    return span <= C4J_MAX_EXTENT && in + pad <= C4J_MAX_EXTENT;
}

#endif

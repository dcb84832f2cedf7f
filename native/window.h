/* window.h — internal: which taps of a strided, dilated window fall inside an axis. */
#ifndef CONV4J_WINDOW_H
#define CONV4J_WINDOW_H

#include <stdint.h>

/* The indices t in [0, count) with 0 <= t*step + offset < size, as the range [*lo, *hi).
 * Used per kernel column by im2col (t = output column, step = stride) and per output by pooling
 * (t = kernel tap, step = dilation), so the inner loops need no per-element bounds test. */
static inline void c4j_valid_range(int32_t offset, int32_t step, int32_t size, int32_t count,
                                   int32_t *lo, int32_t *hi) {
    if (offset >= 0 && (int64_t)offset + (int64_t)(count - 1) * step < size) {
        /* the common interior case, without the two integer divisions */
        *lo = 0;
        *hi = count;
        return;
    }
    int32_t a = offset >= 0 ? 0 : (int32_t)(((int64_t)-offset + step - 1) / step);
    int32_t b = size - offset <= 0 ? 0 : (int32_t)(((int64_t)size - offset + step - 1) / step);
    *lo = a < count ? a : count;
    *hi = b < count ? b : count;
    if (*hi < *lo) *hi = *lo;
}

#endif

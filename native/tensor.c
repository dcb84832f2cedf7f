/* Bulk operations on float buffers, so Java never loops over off-heap memory element by element. */
#include <math.h>
#include <string.h>
#include "conv4j.h"

int c4j_fill(int64_t len, int64_t begin, int64_t end, float value, float *x) {
    if (!(0 <= begin && begin <= end && end <= len)) return C4J_EBADARG;
    /* memset's zero bytes are +0.0 only: -0.0 compares equal to 0.0 but must be written as is */
    if (value == 0.0f && !signbit(value)) {
        memset(x + begin, 0, (size_t)(end - begin) * sizeof(float));
        return C4J_OK;
    }
    for (int64_t i = begin; i < end; ++i) x[i] = value;
    return C4J_OK;
}

void c4j_copy(int64_t len, const float *src, float *dst) { memmove(dst, src, (size_t)len * sizeof(float)); }

void c4j_add(int64_t len, const float *src, float *dst) {
    for (int64_t i = 0; i < len; ++i) dst[i] += src[i];
}

void c4j_mul(int64_t len, const float *a, const float *b, float *out) {
    for (int64_t i = 0; i < len; ++i) out[i] = a[i] * b[i];
}

/*
 * merge.c — the kernels of the graph models' merge layers (Add, Concat, broadcasting Mul): each
 * covers the whole batch in one call. The Java side checks every shape first; these re-check the
 * counts and pointers they are given and answer C4J_EBADARG instead of touching anything else.
 */
#include "conv4j.h"

#include <stddef.h>
#include <string.h>

int c4j_sum_forward(int64_t begin, int64_t end, int32_t count, const float *const *inputs, int32_t relu, float *out) {
    if (begin < 0 || end < begin || count < 1 || inputs == NULL || out == NULL) return C4J_EBADARG;
    for (int32_t i = 0; i < count; ++i)
        if (inputs[i] == NULL) return C4J_EBADARG;
    /* two inputs (the residual case) in one pass, with the ReLU after it when fused; further
     * inputs added one pass each, the ReLU in the last */
    const float *a = inputs[0], *b = count > 1 ? inputs[1] : NULL;
    const int rectify_first = relu && count <= 2;
    if (b == NULL && !rectify_first) memmove(out + begin, a + begin, (size_t)(end - begin) * sizeof(float));
    else if (b == NULL) for (int64_t j = begin; j < end; ++j) out[j] = a[j] > 0.0f ? a[j] : 0.0f;
    else if (!rectify_first) for (int64_t j = begin; j < end; ++j) out[j] = a[j] + b[j];
    else
        for (int64_t j = begin; j < end; ++j) {
            float v = a[j] + b[j];
            out[j] = v > 0.0f ? v : 0.0f;   /* c4j_relu_forward's: NaN gives 0 */
        }
    for (int32_t i = 2; i < count; ++i) {
        const float *x = inputs[i];
        if (relu && i == count - 1)
            for (int64_t j = begin; j < end; ++j) {
                float v = out[j] + x[j];
                out[j] = v > 0.0f ? v : 0.0f;
            }
        else
            for (int64_t j = begin; j < end; ++j) out[j] += x[j];
    }
    return C4J_OK;
}

/* Checks the concatenation's geometry; returns the output's floats per sample, or -1. */
static int64_t concat_width(int32_t n, int32_t count, const int64_t *inner, const void *a, const void *b) {
    if (n < 1 || count < 1 || inner == NULL || a == NULL || b == NULL) return -1;
    int64_t total = 0;
    for (int32_t i = 0; i < count; ++i) {
        if (inner[i] < 1 || inner[i] > INT64_MAX / n - total) return -1;
        total += inner[i];
    }
    return total;
}

int c4j_concat_forward(int32_t n, int32_t count, const int64_t *inner, const float *const *inputs, float *out) {
    int64_t width = concat_width(n, count, inner, inputs, out);
    if (width < 0) return C4J_EBADARG;
    for (int32_t i = 0; i < count; ++i)
        if (inputs[i] == NULL) return C4J_EBADARG;
    for (int32_t s = 0; s < n; ++s) {
        float *o = out + (int64_t)s * width;
        for (int32_t i = 0; i < count; ++i) {
            memcpy(o, inputs[i] + (int64_t)s * inner[i], (size_t)inner[i] * sizeof(float));
            o += inner[i];
        }
    }
    return C4J_OK;
}

int c4j_concat_backward(int32_t n, int32_t count, const int64_t *inner, const float *dy, float *const *dx) {
    int64_t width = concat_width(n, count, inner, dy, dx);
    if (width < 0) return C4J_EBADARG;
    for (int32_t s = 0; s < n; ++s) {
        const float *g = dy + (int64_t)s * width;
        for (int32_t i = 0; i < count; ++i) {
            if (dx[i] != NULL) memcpy(dx[i] + (int64_t)s * inner[i], g, (size_t)inner[i] * sizeof(float));
            g += inner[i];
        }
    }
    return C4J_OK;
}

int c4j_scale_forward(int64_t planes, int64_t plane, const float *x, const float *gate, float *y) {
    if (planes < 1 || plane < 1 || planes > INT64_MAX / plane || x == NULL || gate == NULL || y == NULL) return C4J_EBADARG;
    for (int64_t p = 0; p < planes; ++p) {
        const float g = gate[p], *xp = x + p * plane;
        float *yp = y + p * plane;
        for (int64_t i = 0; i < plane; ++i) yp[i] = xp[i] * g;
    }
    return C4J_OK;
}

int c4j_scale_backward(int64_t planes, int64_t plane, const float *x, const float *gate, const float *dy, float *dx,
                       float *dgate) {
    if (planes < 1 || plane < 1 || planes > INT64_MAX / plane || x == NULL || gate == NULL || dy == NULL) return C4J_EBADARG;
    for (int64_t p = 0; p < planes; ++p) {
        const float g = gate[p], *xp = x + p * plane, *dyp = dy + p * plane;
        if (dx != NULL) {
            float *dxp = dx + p * plane;
            for (int64_t i = 0; i < plane; ++i) dxp[i] = dyp[i] * g;
        }
        if (dgate != NULL) {
            double sum = 0;   /* a plane may be large: sum in double, as the reductions of batchnorm.c */
            for (int64_t i = 0; i < plane; ++i) sum += (double)dyp[i] * xp[i];
            dgate[p] = (float)sum;
        }
    }
    return C4J_OK;
}

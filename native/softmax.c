/* Softmax and log-softmax along the rows of an n x c matrix (the channel dim of N x C), forward
 * and backward. Max-subtracted, with the sum of exponentials in double, so logits of any
 * magnitude neither overflow nor lose precision. */
#include <math.h>
#include "conv4j.h"

int c4j_softmax_forward(int32_t n, int32_t c, int32_t log_form, const float *x, float *y) {
    if (n < 0 || c <= 0) return C4J_EBADARG;
    for (int32_t i = 0; i < n; ++i) {
        const float *z = x + (int64_t)i * c;
        float *o = y + (int64_t)i * c;
        float zmax = z[0];
        for (int32_t j = 1; j < c; ++j) zmax = z[j] > zmax ? z[j] : zmax;
        double sum = 0.0;
        for (int32_t j = 0; j < c; ++j) sum += exp((double)z[j] - zmax);
        if (log_form) {
            const double lse = log(sum);
            for (int32_t j = 0; j < c; ++j) o[j] = (float)((double)z[j] - zmax - lse);
        } else {
            for (int32_t j = 0; j < c; ++j) o[j] = (float)(exp((double)z[j] - zmax) / sum);
        }
    }
    return C4J_OK;
}

/* From the forward's output y: softmax dx = y*(dy - sum(dy*y)); log-softmax dx = dy - e^y*sum(dy). */
int c4j_softmax_backward(int32_t n, int32_t c, int32_t log_form, const float *y, const float *dy, float *dx) {
    if (n < 0 || c <= 0) return C4J_EBADARG;
    for (int32_t i = 0; i < n; ++i) {
        const int64_t row = (int64_t)i * c;
        double dot = 0.0;
        for (int32_t j = 0; j < c; ++j) dot += log_form ? (double)dy[row + j] : (double)dy[row + j] * y[row + j];
        for (int32_t j = 0; j < c; ++j)
            dx[row + j] = log_form ? (float)(dy[row + j] - exp((double)y[row + j]) * dot)
                                   : (float)(y[row + j] * (dy[row + j] - dot));
    }
    return C4J_OK;
}

/* Fully connected layer: y = x . w^T + b, as one GEMM each way, over a range of batch rows. */
#include <cblas.h>
#include "conv4j.h"

void c4j_linear_forward(int32_t n_begin, int32_t n_end, int32_t in, int32_t out, const float *x,
                        const float *w, const float *b, float *y) {
    const int32_t n = n_end - n_begin;
    if (n <= 0) return;
    x += (int64_t)n_begin * in;
    y += (int64_t)n_begin * out;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, out, in, 1.0f, x, in, w, in, 0.0f, y, out);
    if (!b) return;
    for (int32_t i = 0; i < n; ++i)
        for (int32_t o = 0; o < out; ++o) y[(int64_t)i * out + o] += b[o];
}

void c4j_linear_backward(int32_t n_begin, int32_t n_end, int32_t in, int32_t out, const float *x,
                         const float *w, const float *dy, float *dx, float *dw, float *db) {
    const int32_t n = n_end - n_begin;
    if (n <= 0) return;
    x += (int64_t)n_begin * in;
    dy += (int64_t)n_begin * out;
    if (dw) cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, n, 1.0f, dy, out, x, in, 1.0f, dw, in);
    if (dx) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, in, out, 1.0f, dy, out, w, in, 0.0f,
                        dx + (int64_t)n_begin * in, in);
    if (db)
        for (int32_t i = 0; i < n; ++i)
            for (int32_t o = 0; o < out; ++o) db[o] += dy[(int64_t)i * out + o];
}

/* linear_fast.h — internal: the fully connected layer's products on conv4j's own vectors
 * (linear_kernel.h), one unit per ISA: c4j_linear_dot_avx2 (linear_avx2.c) runs only where
 * c4j_fast() (cpu.h) is 1, c4j_linear_dot_avx512 and c4j_linear_dx_avx512 (linear_avx512.c) only
 * where c4j_avx512() is 1 too; elsewhere linear.c calls OpenBLAS. */
#ifndef CONV4J_LINEAR_FAST_H
#define CONV4J_LINEAR_FAST_H

#include <stdint.h>

/* y[i * ldy + o] = sum_t x[i * ldx + t] * w[o * ldw + t] for i < n, o < m, t < in (y
 * overwritten); n, m, in >= 1. Reads x and w and writes y at those elements only. */
void c4j_linear_dot_avx2(int64_t n, int64_t m, int64_t in, const float *x, int64_t ldx, const float *w,
                         int64_t ldw, float *y, int64_t ldy);
void c4j_linear_dot_avx512(int64_t n, int64_t m, int64_t in, const float *x, int64_t ldx, const float *w,
                           int64_t ldw, float *y, int64_t ldy);

/* dx[i * lddx + j] = sum_o dy[i * lddy + o] * w[o * ldw + j] for i < n, j < cols, o < out (dx
 * overwritten); n, cols, out >= 1. Reads dy and w and writes dx at those elements only. */
void c4j_linear_dx_avx512(int64_t n, int64_t cols, int64_t out, const float *dy, int64_t lddy, const float *w,
                          int64_t ldw, float *dx, int64_t lddx);

#endif

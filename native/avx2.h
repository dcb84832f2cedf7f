/* avx2.h — internal: the AVX2/FMA kernels that portable units call, each only where c4j_fast()
 * is 1 and under #if C4J_HAVE_AVX2 (cpu.h). Prototypes only: safe for any unit to include. */
#ifndef CONV4J_AVX2_H
#define CONV4J_AVX2_H

#include <stdint.h>
#include "conv4j.h"

/* im2col_avx2.c: col2im's fold of the out_h rows of one kernel offset, stride_w 1 or 2 along the
 * row, into one channel's plane (height x width): output column q of window row p adds into pixel
 * (row + p*stride_h) * width + col_off + stride_w*q, for q in [lo, hi) (lo < hi), rows inside the plane. */
void c4j_fold_rows_avx2(float *im, const float *col, int64_t height, int64_t width, int64_t row,
                        int64_t stride_h, int64_t stride_w, int64_t col_off, int64_t lo, int64_t hi,
                        int32_t out_h, int32_t out_w);

/* pool_avx2.c: pool.c's 2x2, stride-2, unpadded max pooling of one plane: same outputs and argmax
 * as the scalar loop; returns 1 when a window holds a NaN (the caller redoes the plane). */
int c4j_maxpool_2x2_avx2(const c4j_pool_geom *g, const float *in, float *out, int32_t *arg);

/* pool_avx2.c: max pooling with stride 2 across (any window, dilation 1) of the outputs p in
 * [p_lo, p_hi), q in [q_lo, q_hi) of one plane (q_hi - q_lo >= 8), eight at a time: same
 * outputs and argmax as the scalar loop. pool.c's strided_rect picks the rectangle: windows
 * wholly inside the plane, and every block's 16-float row loads too. Returns 1 when a window
 * holds a NaN (the caller redoes the plane). */
int c4j_maxpool_s2_avx2(const c4j_pool_geom *g, const float *in, float *out, int32_t *arg, int64_t p_lo,
                        int64_t p_hi, int64_t q_lo, int64_t q_hi);

/* pool_avx2.c, pool_avx512.c (where c4j_avx512() is 1): max pooling's values without the argmax
 * (pool_kernel.h) of the outputs p in [p_lo, p_hi), q in [q_lo, q_hi) of one plane, every window
 * of which lies inside the plane; kernel_w 2 or 3, stride_w 2, dilations 1 (pool.c's values_rect).
 * The same values as the scalar loop; returns 1 when a window holds a NaN (the caller redoes the
 * plane). */
int c4j_maxpool_values_avx2(const c4j_pool_geom *g, const float *in, float *out, int64_t p_lo, int64_t p_hi,
                            int64_t q_lo, int64_t q_hi);
int c4j_maxpool_values_avx512(const c4j_pool_geom *g, const float *in, float *out, int64_t p_lo, int64_t p_hi,
                              int64_t q_lo, int64_t q_hi);

/* pool_avx2.c: its backward for one plane with out_w >= 8, writing every input of the plane
 * (dx need not be zeroed); y, when not NULL, is the output of a fused ReLU (dy passes where
 * y > 0). */
void c4j_unpool_2x2_avx2(const c4j_pool_geom *g, const float *dy, const int32_t *arg, const float *y,
                         float *dx);

#endif

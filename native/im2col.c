/* im2col / col2im: lowering a convolution to a matrix product (after Caffe's util/im2col.cpp).
 * One pure function each way; the only bounds test is one unsigned comparison per row and per
 * column, which folds "0 <= v < n" into a single branch. */
#include "conv4j.h"

/* 0 <= v < n for any int v (negative v wraps to a huge unsigned). */
static inline int inside(int32_t v, int32_t n) { return (uint32_t)v < (uint32_t)n; }

void c4j_im2col(const float *im, int32_t channels, int32_t height, int32_t width,
                int32_t kernel_h, int32_t kernel_w, int32_t pad_h, int32_t pad_w,
                int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                int32_t out_h, int32_t out_w, float *col, int64_t ld_col) {
    const int64_t plane = (int64_t)height * width;
    for (int32_t c = 0; c < channels; ++c, im += plane) {
        for (int32_t kr = 0; kr < kernel_h; ++kr) {
            for (int32_t kc = 0; kc < kernel_w; ++kc, col += ld_col) {
                float *dst = col;
                int32_t row = kr * dil_h - pad_h;
                for (int32_t p = 0; p < out_h; ++p, row += stride_h) {
                    if (!inside(row, height)) {
                        for (int32_t q = 0; q < out_w; ++q) *dst++ = 0.0f;
                        continue;
                    }
                    const float *src = im + (int64_t)row * width;
                    int32_t column = kc * dil_w - pad_w;
                    if (stride_w == 1 && column >= 0 && column + out_w <= width) {
                        /* Fast path: a contiguous run of the input row. */
                        for (int32_t q = 0; q < out_w; ++q) dst[q] = src[column + q];
                        dst += out_w;
                        continue;
                    }
                    for (int32_t q = 0; q < out_w; ++q, column += stride_w)
                        *dst++ = inside(column, width) ? src[column] : 0.0f;
                }
            }
        }
    }
}

void c4j_col2im(const float *col, int32_t channels, int32_t height, int32_t width,
                int32_t kernel_h, int32_t kernel_w, int32_t pad_h, int32_t pad_w,
                int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                int32_t out_h, int32_t out_w, float *im, int64_t ld_col) {
    const int64_t plane = (int64_t)height * width;
    for (int32_t c = 0; c < channels; ++c, im += plane) {
        for (int32_t kr = 0; kr < kernel_h; ++kr) {
            for (int32_t kc = 0; kc < kernel_w; ++kc, col += ld_col) {
                const float *src = col;
                int32_t row = kr * dil_h - pad_h;
                for (int32_t p = 0; p < out_h; ++p, row += stride_h, src += out_w) {
                    if (!inside(row, height)) continue;
                    float *dst = im + (int64_t)row * width;
                    int32_t column = kc * dil_w - pad_w;
                    for (int32_t q = 0; q < out_w; ++q, column += stride_w)
                        if (inside(column, width)) dst[column] += src[q];
                }
            }
        }
    }
}

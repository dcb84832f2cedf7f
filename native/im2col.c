/* im2col / col2im: lowering a convolution to a matrix product (after Caffe's util/im2col.cpp).
 *
 * For each kernel offset, an output row p reads input row p*stride + offset, and output column q
 * reads input column q*stride + offset. Instead of testing every element, the columns that land
 * inside the input form one range [q_lo, q_hi) computed once per kernel column; everything
 * outside it is padding (zero). Rows outside the input are zero too: one unsigned test per row.
 * col2im is the adjoint walk of the same matrix, so both are one function with a direction; its
 * rows of stride 1 and 2 have an AVX2 form where the fast kernels run (im2col_avx2.c, cpu.h). */
#include <string.h>
#include "conv4j.h"
#include "avx2.h"
#include "cpu.h"
#include "window.h"

/* to_columns: col = lowered im (zeros for padding); otherwise: im += the columns folded back.
 * Rows and column offsets are int64 (see c4j_inside, window.h); a row's input pointer is formed only where
 * it reads something, at its first column inside the input. */
static void transfer(float *im, float *col, int32_t channels, int32_t height, int32_t width,
                     int32_t kernel_h, int32_t kernel_w, int32_t pad_h, int32_t pad_w,
                     int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                     int32_t out_h, int32_t out_w, int64_t ld_col, int to_columns) {
    const int64_t plane = (int64_t)height * width;
#if C4J_HAVE_AVX2
    const int fold_avx2 = !to_columns && (stride_w == 1 || stride_w == 2) && c4j_fast();
#endif
    for (int32_t c = 0; c < channels; ++c, im += plane) {
        for (int32_t kr = 0; kr < kernel_h; ++kr) {
            const int64_t row0 = (int64_t)kr * dil_h - pad_h;
            for (int32_t kc = 0; kc < kernel_w; ++kc, col += ld_col) {
                const int64_t col_off = (int64_t)kc * dil_w - pad_w;
                int64_t lo, hi;
                c4j_valid_range(col_off, stride_w, width, out_w, &lo, &hi);
#if C4J_HAVE_AVX2
                if (fold_avx2) {
                    if (lo < hi)
                        c4j_fold_rows_avx2(im, col, height, width, row0, stride_h, stride_w, col_off, lo, hi, out_h, out_w);
                    continue;
                }
#endif
                float *cols = col;
                int64_t row = row0;
                for (int32_t p = 0; p < out_h; ++p, row += stride_h, cols += out_w) {
                    if (!c4j_inside(row, height) || lo == hi) {
                        if (to_columns) memset(cols, 0, (size_t)out_w * sizeof(float));
                        continue;
                    }
                    float *pixels = im + row * width + col_off + lo * stride_w; /* column lo's input */
                    if (to_columns) {
                        for (int64_t q = 0; q < lo; ++q) cols[q] = 0.0f;
                        if (stride_w == 1) memcpy(cols + lo, pixels, (size_t)(hi - lo) * sizeof(float));
                        else for (int64_t q = lo; q < hi; ++q) cols[q] = pixels[(q - lo) * stride_w];
                        for (int64_t q = hi; q < out_w; ++q) cols[q] = 0.0f;
                    } else {
                        if (stride_w == 1) for (int64_t q = lo; q < hi; ++q) pixels[q - lo] += cols[q];
                        else for (int64_t q = lo; q < hi; ++q) pixels[(q - lo) * stride_w] += cols[q];
                    }
                }
            }
        }
    }
}

void c4j_im2col(const float *im, int32_t channels, int32_t height, int32_t width,
                int32_t kernel_h, int32_t kernel_w, int32_t pad_h, int32_t pad_w,
                int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                int32_t out_h, int32_t out_w, float *col, int64_t ld_col) {
    /* im is only read in this direction */
    transfer((float *)im, col, channels, height, width, kernel_h, kernel_w, pad_h, pad_w, stride_h,
             stride_w, dil_h, dil_w, out_h, out_w, ld_col, 1);
}

void c4j_col2im(const float *col, int32_t channels, int32_t height, int32_t width,
                int32_t kernel_h, int32_t kernel_w, int32_t pad_h, int32_t pad_w,
                int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                int32_t out_h, int32_t out_w, float *im, int64_t ld_col) {
    /* col is only read in this direction */
    transfer(im, (float *)col, channels, height, width, kernel_h, kernel_w, pad_h, pad_w, stride_h,
             stride_w, dil_h, dil_w, out_h, out_w, ld_col, 0);
}

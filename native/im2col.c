/* im2col / col2im: lowering a convolution to a matrix product (after Caffe's util/im2col.cpp).
 *
 * For each kernel offset, an output row p reads input row p*stride + offset, and output column q
 * reads input column q*stride + offset. Instead of testing every element, the columns that land
 * inside the input form one range [q_lo, q_hi) computed once per kernel column; everything
 * outside it is padding (zero). Rows outside the input are zero too: one unsigned test per row.
 * col2im is the adjoint walk of the same matrix, so both are one function with a direction; its
 * stride-1 rows have an AVX2 form where the fast kernels run (cpu.h). */
#include <string.h>
#include "conv4j.h"
#include "cpu.h"
#include "window.h"

/* 0 <= v < n (negative v wraps to a huge unsigned). Rows are int64: a window's row can lie up
 * to 2^31 beyond either end of the input, and the step past the last one further still. */
static inline int inside(int64_t v, int64_t n) { return (uint64_t)v < (uint64_t)n; }

#if C4J_HAVE_AVX2
/* Folding back the out_h rows of one kernel offset, stride 1 along the row, 8 lanes at a time:
 * lanes in [lo, hi) (lo < hi) add a column entry into an input pixel, whose index in the plane
 * is base + q for column q. Blocks of eight start at the one holding lo, so every block touches
 * the plane. Where all 8 lanes lie inside the channel's plane, a plain load, add and store
 * (lanes outside [lo, hi) add the masked load's zeros and keep their value); at the plane's
 * ends, masked ones, so nothing outside the plane is touched. AMD cores before Zen 4 make
 * masked stores slow: they took half of col2im's time. */
C4J_AVX2 static void fold_rows_avx2(float *im, const float *col, int64_t height, int64_t width,
                                    int64_t row, int64_t stride_h, int64_t col_off, int64_t lo,
                                    int64_t hi, int32_t out_h, int32_t out_w) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const int64_t plane = height * width, first = lo & ~(int64_t)7;
    for (int32_t p = 0; p < out_h; ++p, row += stride_h, col += out_w) {
        if (!inside(row, height)) continue;
        const int64_t base = row * width + col_off;
        for (int64_t q0 = first; q0 < hi; q0 += 8) {
            /* lanes [from, to) of this block are in [lo, hi): small ints, whatever q0 is */
            const int32_t from = (int32_t)(lo > q0 ? lo - q0 : 0), to = (int32_t)(hi - q0 < 8 ? hi - q0 : 8);
            const __m256i valid = _mm256_and_si256(_mm256_cmpgt_epi32(index, _mm256_set1_epi32(from - 1)),
                                                   _mm256_cmpgt_epi32(_mm256_set1_epi32(to), index));
            const __m256 add = _mm256_maskload_ps(col + q0, valid);
            const int64_t at = base + q0; /* >= -7: base + lo >= 0 */
            if (at >= 0 && at + 8 <= plane) {
                _mm256_storeu_ps(im + at, _mm256_add_ps(_mm256_loadu_ps(im + at), add));
            } else {
                __m256 sum = _mm256_add_ps(_mm256_maskload_ps(im + at, valid), add);
                _mm256_maskstore_ps(im + at, valid, sum);
            }
        }
    }
}
#endif

/* to_columns: col = lowered im (zeros for padding); otherwise: im += the columns folded back.
 * Rows and column offsets are int64 (see inside); a row's input pointer is formed only where
 * it reads something, at its first column inside the input. */
static void transfer(float *im, float *col, int32_t channels, int32_t height, int32_t width,
                     int32_t kernel_h, int32_t kernel_w, int32_t pad_h, int32_t pad_w,
                     int32_t stride_h, int32_t stride_w, int32_t dil_h, int32_t dil_w,
                     int32_t out_h, int32_t out_w, int64_t ld_col, int to_columns) {
    const int64_t plane = (int64_t)height * width;
#if C4J_HAVE_AVX2
    const int fold_avx2 = !to_columns && stride_w == 1 && c4j_fast();
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
                        fold_rows_avx2(im, col, height, width, row0, stride_h, col_off, lo, hi, out_h, out_w);
                    continue;
                }
#endif
                float *cols = col;
                int64_t row = row0;
                for (int32_t p = 0; p < out_h; ++p, row += stride_h, cols += out_w) {
                    if (!inside(row, height) || lo == hi) {
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

/* col2im's rows of stride 1 and 2 on AVX2 (avx2.h), for im2col.c where c4j_fast() is 1. An AVX2 unit
 * (avx2_unit.h). */
#include "avx2_unit.h"
#include "avx2.h"
#include "window.h"

/* Folding back the out_h rows of one kernel offset, stride 1 or 2 along the row, 8 column
 * entries at a time: lanes in [lo, hi) (lo < hi) add a column entry into an input pixel, whose
 * index in the plane is base + stride_w*q for column q. Blocks of eight start at the one holding
 * lo, so every block touches the plane. Where all the block's pixels (8, or 16 with stride 2)
 * lie inside the channel's plane, a plain load, add and store (lanes outside [lo, hi) add the
 * masked load's zeros and keep their value; with stride 2 the entries are spread to the even
 * lanes of two vectors and blended back, so the pixels between them keep their bits); at the
 * plane's ends, masked ones (stride 1) or element by element (stride 2), so nothing outside the
 * plane is touched. AMD cores before Zen 4 make masked stores slow: they took half of col2im's
 * time. Stride 2 was scalar: 3x3 stride-2 input gradients (ResNet's 16->32 at 32x32) ran at
 * less than half the rate of their forward. */
void c4j_fold_rows_avx2(float *im, const float *col, int64_t height, int64_t width, int64_t row,
                        int64_t stride_h, int64_t stride_w, int64_t col_off, int64_t lo, int64_t hi,
                        int32_t out_h, int32_t out_w) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const int64_t plane = height * width, first = lo & ~(int64_t)7;
    for (int32_t p = 0; p < out_h; ++p, row += stride_h, col += out_w) {
        if (!c4j_inside(row, height)) continue;
        const int64_t base = row * width + col_off;
        for (int64_t q0 = first; q0 < hi; q0 += 8) {
            /* lanes [from, to) of this block are in [lo, hi): small ints, whatever q0 is */
            const int32_t from = (int32_t)(lo > q0 ? lo - q0 : 0), to = (int32_t)(hi - q0 < 8 ? hi - q0 : 8);
            const __m256i valid = _mm256_and_si256(_mm256_cmpgt_epi32(index, _mm256_set1_epi32(from - 1)),
                                                   _mm256_cmpgt_epi32(_mm256_set1_epi32(to), index));
            const __m256 add = _mm256_maskload_ps(col + q0, valid);
            const int64_t at = base + stride_w * q0; /* >= -7 * stride_w: base + stride_w * lo >= 0 */
            if (stride_w == 2) {
                if (at >= 0 && at + 16 <= plane) {
                    /* entries 0-3 to the even lanes of the first vector, 4-7 of the second */
                    const __m256 zero = _mm256_setzero_ps(), l = _mm256_unpacklo_ps(add, zero),
                                 h = _mm256_unpackhi_ps(add, zero);
                    const __m256 e0 = _mm256_permute2f128_ps(l, h, 0x20), e1 = _mm256_permute2f128_ps(l, h, 0x31);
                    const __m256 v0 = _mm256_loadu_ps(im + at), v1 = _mm256_loadu_ps(im + at + 8);
                    _mm256_storeu_ps(im + at, _mm256_blend_ps(v0, _mm256_add_ps(v0, e0), 0x55));
                    _mm256_storeu_ps(im + at + 8, _mm256_blend_ps(v1, _mm256_add_ps(v1, e1), 0x55));
                } else {
                    for (int32_t j = from; j < to; ++j) im[at + 2 * j] += col[q0 + j];
                }
            } else if (at >= 0 && at + 8 <= plane) {
                _mm256_storeu_ps(im + at, _mm256_add_ps(_mm256_loadu_ps(im + at), add));
            } else {
                __m256 sum = _mm256_add_ps(_mm256_maskload_ps(im + at, valid), add);
                _mm256_maskstore_ps(im + at, valid, sum);
            }
        }
    }
}

/* Max pooling's values-only forward (pool_kernel.h) on 16-lane zmm vectors, for pool.c where
 * c4j_avx512() is 1 (avx2.h): a row of 16 windows 3 wide reads 33 floats, a pair of zmm loads and
 * one more, and AlexNet's 13x13 -> 6x6 rows load and store under opmasks. An AVX-512 unit
 * (avx512_unit.h). */
#include "avx512_vec.h"
#include "avx2.h"

/* Even and odd elements of the 32 floats a:b, in order: one two-source permute each. */
C4J_INLINE __m512 even16(__m512 a, __m512 b) {
    return _mm512_permutex2var_ps(a, _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b);
}
C4J_INLINE __m512 odd16(__m512 a, __m512 b) {
    return _mm512_permutex2var_ps(a, _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), b);
}

#define P_EVEN even16
#define P_ODD odd16
#define C4J_POOL_VALUES c4j_maxpool_values_avx512
#include "pool_kernel.h"

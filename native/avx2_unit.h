/* avx2_unit.h — internal: included first by each AVX2/FMA unit (avx2-sources.txt), and by no
 * other. The compiler may use AVX2 anywhere in such a unit, auto-vectorised loops included, so
 * a unit holds only code that runs where c4j_fast() is 1: no helper the portable path calls too
 * (a static inline from a shared header is a private copy per unit, so those are safe; an
 * external or `extern inline` definition is not: the linker could keep this unit's copy). */
#ifndef CONV4J_AVX2_UNIT_H
#define CONV4J_AVX2_UNIT_H

/* The build compiles this unit for AVX2: else GCC and Clang would refuse the intrinsics anyway,
 * but MSVC accepts them without /arch:AVX2 and would silently leave the rest un-vectorised. */
#if !defined(__AVX2__)
#error "an AVX2 unit compiled without -mavx2 -mfma (/arch:AVX2): see native/avx2-sources.txt"
#endif

#include <stdint.h>
#include <immintrin.h>

#if defined(_MSC_VER)
#define C4J_INLINE static __forceinline
#else
#define C4J_INLINE static inline __attribute__((always_inline))
#endif

/* Lanes j < n of an 8-lane mask (n may be <= 0 or >= 8). */
C4J_INLINE __m256i c4j_lanes_below(int64_t n) {
    const int32_t k = n < 0 ? 0 : n > 8 ? 8 : (int32_t)n;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* Prefetches slice `part` of `parts` of the floats [p, p + len) into L1 (nothing when p is NULL or
 * part >= parts): a convolution's next chunk of input, a slice after each product or tile of
 * this one, so that its read from memory overlaps this chunk's arithmetic instead of stalling the
 * copy that pads it. In a training step the input was written long before and comes from DRAM.
 * _MM_HINT_T1 (L2) measured no gain on this AMD CPU; T0 does (docs/bench-notes/resnet10.md). */
C4J_INLINE void c4j_prefetch_part(const float *p, int64_t len, int64_t part, int64_t parts) {
    if (!p || part >= parts) return;
    const char *b = (const char *)p;
    const int64_t bytes = len * (int64_t)sizeof(float), lo = bytes * part / parts, hi = bytes * (part + 1) / parts;
    for (int64_t o = lo & ~(int64_t)63; o < hi; o += 64) _mm_prefetch(b + o, _MM_HINT_T0);
}

#endif

/* cpu.h — internal: conv4j's AVX2/FMA kernels (its own GEMM, col2im rows, transposes) are compiled beside the
 * portable code with a per-function target attribute, not a global -mavx2, so the library still
 * loads on any x86-64 (and builds on other CPUs and compilers, where they are left out); which
 * code runs is decided at run time by c4j_fast(). */
#ifndef CONV4J_CPU_H
#define CONV4J_CPU_H

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define C4J_HAVE_AVX2 1
#include <immintrin.h>
#define C4J_AVX2 __attribute__((target("avx2,fma")))
#define C4J_INLINE static inline __attribute__((always_inline))
#else
#define C4J_HAVE_AVX2 0
#endif

/* 1 when the AVX2/FMA kernels may run: compiled in, the CPU has AVX2 and FMA, not switched off
 * (c4j_set_fast_kernels). */
int c4j_fast(void);

#endif

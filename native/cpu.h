/* cpu.h — internal: which of conv4j's kernels run. Its AVX2/FMA kernels (its own GEMM and the
 * convolution on it, col2im rows, 2x2 max pooling) live in translation units of their own,
 * listed in avx2-sources.txt and compiled with -mavx2 -mfma (/arch:AVX2 on MSVC) on x86-64 only;
 * every other unit is compiled for the baseline ISA, so the library still loads on any x86-64.
 * Portable code calls into those units only where c4j_fast() is 1, and only under
 * #if C4J_HAVE_AVX2: elsewhere (aarch64) they are not compiled at all. */
#ifndef CONV4J_CPU_H
#define CONV4J_CPU_H

/* The AVX2 units are part of this build: x86-64, whatever the compiler. CMake and the scripts
 * ask this very macro whether to compile them (native/CMakeLists.txt, scripts/native-sources.sh). */
#if (defined(__x86_64__) || defined(_M_X64)) && !defined(_M_ARM64EC)
#define C4J_HAVE_AVX2 1
#else
#define C4J_HAVE_AVX2 0
#endif

/* 1 when the AVX2/FMA kernels may run: compiled in, the CPU has AVX2 and FMA and the OS saves
 * the ymm registers (cpu.c), not switched off (c4j_set_fast_kernels). */
int c4j_fast(void);

/* 1 when the fast kernels' AVX-512 units (avx512-sources.txt: its own GEMM and the convolution
 * on it) may run in their place: the AVX2 kernels may (c4j_fast_kernels_available), the CPU has
 * AVX-512 F, BW, VL and DQ and the OS saves the opmask and zmm registers (cpu.c), and they are
 * not switched off (c4j_set_avx512). Compiled in with the AVX2 units (C4J_HAVE_AVX2). */
int c4j_avx512(void);

#endif

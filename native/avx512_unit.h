/* avx512_unit.h — internal: included first by each AVX-512 unit (avx512-sources.txt), and by no
 * other. The rule of avx2_unit.h, one level up: the compiler may use AVX-512 (F, BW, VL, DQ)
 * anywhere in such a unit, so it holds only code that runs where c4j_avx512() (cpu.h) is 1. */
#ifndef CONV4J_AVX512_UNIT_H
#define CONV4J_AVX512_UNIT_H

#if !defined(__AVX512F__) || !defined(__AVX512BW__) || !defined(__AVX512VL__) || !defined(__AVX512DQ__)
#error "an AVX-512 unit compiled without -mavx512f -mavx512bw -mavx512vl -mavx512dq (/arch:AVX512): see native/avx512-sources.txt"
#endif

#include "avx2_unit.h"

/* Lanes j < n of a 16-lane opmask (n may be <= 0 or >= 16). */
C4J_INLINE __mmask16 c4j_lanes_below16(int64_t n) {
    return n <= 0 ? (__mmask16)0 : n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
}

#endif

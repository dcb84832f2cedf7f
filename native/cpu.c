/* Run-time choice between conv4j's AVX2/FMA kernels and the portable ones (see cpu.h).
 *
 * The CPU is asked with cpuid itself, not a compiler's __builtin_cpu_supports, so that every
 * compiler of an x86-64 build (MSVC included) reaches the same answer from the same bits. The
 * kernels may run when the CPU has AVX2 and FMA and the OS saves the upper halves of the ymm
 * registers across context switches: a CPU can report AVX2 under an OS (or hypervisor) that never
 * enabled that state, and the first ymm instruction would then fault. The AVX-512 units of the
 * fast path need more on top (detect_avx512): the same test, with the zmm and opmask state. */
#include <stdint.h>
#include "conv4j.h"
#include "cpu.h"

#if C4J_HAVE_AVX2
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif

/* cpuid(leaf, subleaf) into r[0..3] = eax, ebx, ecx, edx; 0 when the CPU has no such leaf. */
static int cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4]) {
#if defined(_MSC_VER)
    int v[4];
    __cpuid(v, 0);
    if ((uint32_t)v[0] < leaf) return 0;
    __cpuidex(v, (int)leaf, (int)subleaf);
    for (int i = 0; i < 4; ++i) r[i] = (uint32_t)v[i];
    return 1;
#else
    unsigned a, b, c, d;
    if (!__get_cpuid_count(leaf, subleaf, &a, &b, &c, &d)) return 0;
    r[0] = a, r[1] = b, r[2] = c, r[3] = d;
    return 1;
#endif
}

/* XCR0: which register state the OS saves. Only read once cpuid reported OSXSAVE (else xgetbv
 * faults). GCC and Clang get xgetbv as inline assembly: their _xgetbv needs -mxsave on the
 * whole TU, and this one must stay baseline. */
static uint64_t xcr0(void) {
#if defined(_MSC_VER)
    return _xgetbv(0);
#else
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t)hi << 32 | lo;
#endif
}

static int detect_avx2_fma(void) {
    enum { FMA = 1u << 12, OSXSAVE = 1u << 27, AVX = 1u << 28 }; /* leaf 1, ecx */
    enum { AVX2 = 1u << 5 };                                     /* leaf 7.0, ebx */
    enum { XMM_YMM = 6 };                                        /* XCR0: SSE and AVX state */
    uint32_t r[4];
    if (!cpuid(1, 0, r)) return 0;
    const uint32_t ecx1 = r[2];
    if ((ecx1 & (FMA | OSXSAVE | AVX)) != (FMA | OSXSAVE | AVX)) return 0;
    if ((xcr0() & XMM_YMM) != XMM_YMM) return 0;
    return cpuid(7, 0, r) && (r[1] & AVX2) != 0;
}

/* On top of AVX2 and FMA: AVX-512 F, DQ, BW, VL, and the OS saving the opmask registers and both
 * parts of the zmm state (XCR0 bits 5-7) besides SSE and AVX. */
static int detect_avx512(void) {
    enum { F = 1u << 16, DQ = 1u << 17, BW = 1u << 30, VL = 1u << 31 }; /* leaf 7.0, ebx */
    enum { ZMM_STATE = 0xE6 };                      /* XCR0: SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM */
    uint32_t r[4];
    if (!detect_avx2_fma()) return 0;
    if ((xcr0() & ZMM_STATE) != ZMM_STATE) return 0;
    return cpuid(7, 0, r) && (r[1] & (F | DQ | BW | VL)) == (F | DQ | BW | VL);
}
#else
/* C4J_HAVE_AVX2 is 0 (cpu.h): no AVX2 or AVX-512 unit was compiled. */
static int detect_avx2_fma(void) { return 0; }
static int detect_avx512(void) { return 0; }
#endif

static int enabled = 1, avx512_enabled = 1;

/* detect() once per process, in *known (-1 until then); racing first calls store the same value. */
static int detected(int *known, int (*detect)(void)) {
    if (*known < 0) *known = detect();
    return *known;
}

static int cpu_has_avx2_fma(void) {
    static int known = -1;
    return detected(&known, detect_avx2_fma);
}

static int cpu_has_avx512(void) {
    static int known = -1;
    return detected(&known, detect_avx512);
}

int c4j_fast(void) { return enabled && cpu_has_avx2_fma(); }

int c4j_avx512(void) { return avx512_enabled && cpu_has_avx512(); }

int32_t c4j_avx512_kernels(void) { return c4j_avx512(); }

void c4j_set_avx512(int32_t on) { avx512_enabled = on != 0; }

int32_t c4j_avx512_available(void) { return cpu_has_avx512(); }

int32_t c4j_fast_kernels(void) { return c4j_fast(); }

void c4j_set_fast_kernels(int32_t on) { enabled = on != 0; }

int32_t c4j_fast_kernels_available(void) { return cpu_has_avx2_fma(); }

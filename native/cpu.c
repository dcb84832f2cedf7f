/* Run-time choice between conv4j's AVX2/FMA kernels and the portable ones (see cpu.h). */
#include "conv4j.h"
#include "cpu.h"

static int enabled = 1;

static int cpu_has_avx2_fma(void) {
#if C4J_HAVE_AVX2
    static int known = -1;
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return known;
#else
    return 0;
#endif
}

int c4j_fast(void) { return enabled && cpu_has_avx2_fma(); }

int32_t c4j_fast_kernels(void) { return c4j_fast(); }

void c4j_set_fast_kernels(int32_t on) { enabled = on != 0; }

/* The sanitizer build's negative control: one product through conv4j's own AVX2 or AVX-512 GEMM
 * (gemm.h) whose C is one float shorter than the product writes, so the last row's last store
 * lands one float past a heap block. scripts/native-sanitize.sh runs each case in its own process
 * and requires AddressSanitizer to stop it with a heap-buffer-overflow report: proof that the
 * flags it compiles the AVX units with (Clang's outlined checks, say) still instrument the
 * kernels' stores, so a clean run of the *_bounds.c drivers means what it says.
 *
 *   overflow_canary ISA TAIL    ISA avx2 or avx512; TAIL full (n a multiple of the tile's 2
 *                               vectors: plain vector stores) or masked (a ragged n: the opmask or
 *                               _mm256_maskstore_ps store of the row's end, which only Clang's
 *                               AddressSanitizer instruments)
 * Exit status 0: the overflowing call returned (the instrumentation missed it); 2: bad arguments;
 * 3: this CPU cannot run that ISA's kernels (nothing was tested). Not a *_bounds.c driver: those
 * must pass, this one must fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpu.h"
#include "gemm.h"

int main(int argc, char **argv) {
    if (argc != 3 || (strcmp(argv[1], "avx2") && strcmp(argv[1], "avx512")) ||
        (strcmp(argv[2], "full") && strcmp(argv[2], "masked"))) {
        fprintf(stderr, "usage: overflow_canary avx2|avx512 full|masked\n");
        return 2;
    }
#if C4J_HAVE_AVX2
    const int avx512 = !strcmp(argv[1], "avx512");
    if (avx512 ? !c4j_avx512() : !c4j_fast()) {
        printf("overflow_canary: this CPU does not run the %s kernels\n", argv[1]);
        return 3;
    }
    const int64_t nr = avx512 ? C4J_GEMM_NR_AVX512 : C4J_GEMM_NR_AVX2;
    const int64_t m = 5, depth = 3, n = strcmp(argv[2], "full") ? nr + 3 : 2 * nr;
    float *a = calloc((size_t)(depth * m), sizeof(float)), *b = calloc((size_t)(depth * n), sizeof(float));
    float *c = malloc((size_t)(m * n - 1) * sizeof(float));   /* one float short */
    if (!a || !b || !c) return 2;
    c4j_gemm_args p = {.m = m, .n = n, .depth = depth, .a = a, .a_t = m, .a_i = 1, .b = b, .b_t = n, .c = c, .c_i = n};
    if (avx512) c4j_gemm_avx512(&p); else c4j_gemm_avx2(&p);
    printf("overflow_canary: %s %s: the store past C's end went unreported\n", argv[1], argv[2]);
    free(a);
    free(b);
    free(c);
    return 0;
#else
    printf("overflow_canary: no AVX units on this target\n");
    return 3;
#endif
}

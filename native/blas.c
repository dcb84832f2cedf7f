/* The OpenBLAS we link (bytedeco's), exposed for thread control and the sgemm peak benchmark. */
#include <cblas.h>
#include "conv4j.h"

/* Bumped whenever a signature in conv4j.h changes; the Java binding refuses a mismatched library. */
#define C4J_ABI_VERSION 5

void c4j_set_num_threads(int32_t threads) { openblas_set_num_threads(threads); }

int32_t c4j_get_num_threads(void) { return openblas_get_num_threads(); }

void c4j_sgemm(int32_t trans_a, int32_t trans_b, int32_t m, int32_t n, int32_t k, float alpha,
               const float *a, int32_t lda, const float *b, int32_t ldb, float beta, float *c,
               int32_t ldc) {
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

int32_t c4j_abi_version(void) { return C4J_ABI_VERSION; }

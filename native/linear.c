/* Fully connected layer: y = x . w^T + b, one product each way, over a range of features so that
 * workers can share one call without a gradient of their own to add up afterwards. OpenBLAS's
 * sgemm, or where the fast kernels run conv4j's own (linear_kernel.h) for the forward and, on
 * AVX-512, the input gradient; the weight gradient stays on OpenBLAS, whose accumulating sgemm
 * already moves dW at the memory's speed (read and written once: 7.6 ms for AlexNet's 9216->4096
 * at batch 16 on two workers, 40 GB/s). */
#include <cblas.h>
#include "conv4j.h"
#include "cpu.h"
#if C4J_HAVE_AVX2
#include "linear_fast.h"
#endif

/* GEMV_MIN_WEIGHTS: below. OWN_MIN_WEIGHTS: floats of the whole W (out x in) from which conv4j's
 * own products replace OpenBLAS's where the fast kernels run. Both are tested on the whole layer,
 * never on a worker's slice of it, so every slice of a call takes the same product and a layer's
 * bits do not depend on how many workers share it. What they win is OpenBLAS's copy
 * of W and its 16-row tiles, measured on W past L2 (AlexNet's classifier, 1 MB and up); a
 * smaller W stays in cache across that copy, its product takes microseconds, and it keeps the
 * bits it had (a 16->10 classifier's rounding moved GraphTrainingTest's two-epoch accuracy from
 * above its 0.6 threshold to 0.51). */
enum { GEMV_MIN_WEIGHTS = 1 << 20, OWN_MIN_WEIGHTS = 1 << 16 };

void c4j_linear_forward(int32_t n, int32_t in, int32_t out, int32_t o_begin, int32_t o_end,
                        const float *x, const float *w, const float *b, float *y) {
    const int32_t width = o_end - o_begin;
    if (n <= 0 || o_begin < 0 || o_end > out || width <= 0) return; /* nothing outside [0, out) */
    w += (int64_t)o_begin * in;
    y += o_begin;
    /* One image through a large W (GEMV_MIN_WEIGHTS floats or more: past L2, streamed from L3 or
     * memory) is a matrix-vector product bound by reading W once: sgemv streams its rows, where
     * sgemm packs them into panels first for a single row of x (AlexNet's classifier: 22.7 ms
     * against 6.9). Smaller products keep sgemm. OpenBLAS stays single-threaded here: Linear
     * splits a one-image product by output rows over conv4j's own workers (each calls this with
     * its [o_begin, o_end)), so no call changes OpenBLAS's process-wide thread count, and with it
     * another model's K-split and last bits. */
#if C4J_HAVE_AVX2
    /* Where the fast kernels run, the products of several images are dot products over W's rows
     * read in place (linear_kernel.h): OpenBLAS packs W on every call, which at AlexNet's
     * batch 16 costs more than the FMAs. One image keeps sgemv below, which only streams W. */
    if (n > 1 && (int64_t)out * in >= OWN_MIN_WEIGHTS && c4j_fast()) {
        if (c4j_avx512())
            c4j_linear_dot_avx512(n, width, in, x, in, w, in, y, out);
        else
            c4j_linear_dot_avx2(n, width, in, x, in, w, in, y, out);
    } else
#endif
    if (n == 1 && (int64_t)out * in >= GEMV_MIN_WEIGHTS)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, width, in, 1.0f, w, in, x, 1, 0.0f, y, 1);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, width, in, 1.0f, x, in, w, in, 0.0f, y, out);
    if (!b) return;
    b += o_begin;
    for (int32_t i = 0; i < n; ++i)
        for (int32_t o = 0; o < width; ++o) y[(int64_t)i * out + o] += b[o];
}

void c4j_linear_backward(int32_t n, int32_t in, int32_t out, int32_t o_begin, int32_t o_end,
                         int32_t i_begin, int32_t i_end, const float *x, const float *w,
                         const float *dy, float *dx, float *dw, float *db) {
    if (n <= 0 || o_begin < 0 || o_end > out || i_begin < 0 || i_end > in) return; /* nothing outside the buffers */
    const int32_t outs = o_end - o_begin, ins = i_end - i_begin;
    if (dw && outs > 0)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, outs, in, n, 1.0f, dy + o_begin, out, x, in,
                    1.0f, dw + (int64_t)o_begin * in, in);
    if (db)
        for (int32_t i = 0; i < n; ++i)
            for (int32_t o = o_begin; o < o_end; ++o) db[o] += dy[(int64_t)i * out + o];
    if (dx && ins > 0) {
#if C4J_HAVE_AVX2
        /* own tiles of 8 images, W read down its rows in blocks (linear_kernel.h): 1.7x OpenBLAS's
         * at AlexNet's batch 16, where its tiles of 16 rows ran at a third of the peak */
        if (n > 1 && (int64_t)in * out >= OWN_MIN_WEIGHTS && c4j_fast() && c4j_avx512()) {
            c4j_linear_dx_avx512(n, ins, out, dy, out, w + i_begin, in, dx + i_begin, in);
            return;
        }
#endif
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, ins, out, 1.0f, dy, out, w + i_begin, in,
                    0.0f, dx + i_begin, in);
    }
}

/* Timing of one convolution's three products on one core, per kernel path: the forward, the
 * weight gradient alone (dx NULL) and the input gradient alone (dw, db NULL), each the median
 * of `reps` calls over the batch in one call, as one batch-splitting worker runs its share.
 * Not a test (it asserts nothing): a lab tool for the kernels, built and run by
 * scripts/conv-speed.sh with the release flags, so that a kernel change can be timed without
 * the JVM. Paths: portable (im2col + OpenBLAS, one thread), fast on AVX2, fast on AVX-512.
 * Usage: conv_speed N C H W K R S STRIDE PAD CHUNK [REPS]    (prints one line per path) */
#define _POSIX_C_SOURCE 199309L /* clock_gettime under -std=c99 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "check.h"
#include "conv4j.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

enum { MAX_REPS = 101 };

/* CONV_SPEED_COLD=1: every call starts with its operands out of the caches, as in a training
 * step, where a layer's input was written long before (the stage-1 activations of ResNet-20 are
 * 8 MB at batch 128): 256 MB touched before each call, past any L3. */
#define FLUSH_FLOATS ((size_t)64 << 20)
static float *flush;

/* Median ms of reps calls of product `which` (0 forward, 1 dw, 2 dx), after one untimed call. */
static double time_product(const c4j_conv_geom *g, int which, int reps, const float *x, const float *w,
                           float *y, const float *dy, float *dx, float *dw, float *db, float *ws, int64_t wl) {
    double t[MAX_REPS];
    for (int r = -1; r < reps; ++r) {
        if (flush) for (size_t i = 0; i < FLUSH_FLOATS; i += 16) flush[i] += 1.0f;
        const double t0 = now_ms();
        int rc = which == 0 ? c4j_conv2d_forward(g, 0, g->n, x, w, NULL, y, ws, wl)
                 : which == 1 ? c4j_conv2d_backward(g, 0, g->n, x, w, dy, NULL, dw, db, ws, wl)
                              : c4j_conv2d_backward(g, 0, g->n, x, w, dy, dx, NULL, NULL, ws, wl);
        if (rc != C4J_OK) { fprintf(stderr, "conv_speed: status %d\n", rc); exit(1); }
        if (r >= 0) t[r] = now_ms() - t0;
    }
    qsort(t, (size_t)reps, sizeof t[0], cmp);
    return t[reps / 2];
}

int main(int argc, char **argv) {
    if (argc < 11) {
        fprintf(stderr, "usage: conv_speed N C H W K R S STRIDE PAD CHUNK [REPS]\n");
        return 2;
    }
    int v[10];
    for (int i = 0; i < 10; ++i) v[i] = atoi(argv[i + 1]);
    if (getenv("CONV_SPEED_COLD") && atoi(getenv("CONV_SPEED_COLD")) == 1) flush = calloc(FLUSH_FLOATS, sizeof(float));
    int reps = argc > 11 ? atoi(argv[11]) : 21;
    if (reps < 1) reps = 1;
    if (reps > MAX_REPS) reps = MAX_REPS;
    const int32_t n = v[0], c = v[1], h = v[2], wd = v[3], k = v[4], r = v[5], s = v[6], st = v[7], pad = v[8];
    const int32_t oh = (h + 2 * pad - r) / st + 1, ow = (wd + 2 * pad - s) / st + 1;
    c4j_conv_geom g = {n, c, h, wd, k, r, s, st, st, pad, pad, 1, 1, 1, oh, ow, v[9], 0, 0, 0, 0};
    const int64_t xs = (int64_t)n * c * h * wd, ys = (int64_t)n * k * oh * ow, wsz = (int64_t)k * c * r * s;
    const int64_t wl = c4j_conv2d_workspace(&g);
    if (wl < 0) { fprintf(stderr, "conv_speed: geometry refused\n"); return 1; }
    float *x = filled(xs), *w = filled(wsz), *dy = filled(ys), *y = malloc((size_t)ys * sizeof(float)),
          *dx = malloc((size_t)xs * sizeof(float)), *dw = calloc((size_t)wsz, sizeof(float)),
          *db = calloc((size_t)k, sizeof(float)), *ws = malloc((size_t)(wl > 0 ? wl : 1) * sizeof(float));
    const double gflop = 2.0 * ys * c * r * s / 1e9;
    static const char *names[] = {"portable", "fast avx2", "fast avx512"};
    for (int path = 0; path < 3; ++path) {
        if (path == 2 && !c4j_avx512_available()) continue;
        c4j_set_fast_kernels(path > 0);
        c4j_set_avx512(path == 2);
        double ms[3];
        for (int which = 0; which < 3; ++which)
            ms[which] = time_product(&g, which, reps, x, w, y, dy, dx, dw, db, ws, wl);
        printf("%-12s N%d %d->%d %dx%d %dx%d s%d chunk %d: fwd %.3f dw %.3f dx %.3f ms  (%.0f / %.0f / %.0f GFLOP/s)\n",
               names[path], n, c, k, h, wd, r, s, st, g.chunk, ms[0], ms[1], ms[2], gflop / ms[0] * 1e3,
               gflop / ms[1] * 1e3, gflop / ms[2] * 1e3);
    }
    free(x); free(w); free(dy); free(y); free(dx); free(dw); free(db); free(ws);
    return 0;
}

/* Memory-safety check of the convolution kernels under AddressSanitizer/UBSan
 * (scripts/native-sanitize.sh builds and runs it): random geometries, every buffer allocated at
 * exactly the size the API documents (so one float past an end is reported), the forward and
 * backward passes on the AVX2/FMA kernels and on the portable ones, and the two required to
 * agree. Exits non-zero on any disagreement; the sanitizers abort on any out-of-bounds access. */
#include <math.h>
#include <stdio.h>
#include "check.h"
#include "conv4j.h"

static int close_enough(const char *what, const float *a, const float *b, int64_t len, double depth) {
    for (int64_t i = 0; i < len; ++i)
        if (!(fabs((double)a[i] - b[i]) <= 1e-5 * depth + 1e-5 * fabs((double)b[i]))) {
            fprintf(stderr, "%s[%lld]: %g (fast) vs %g (portable)\n", what, (long long)i, a[i], b[i]);
            return 0;
        }
    return 1;
}

int main(int argc, char **argv) {
    int cases = argc > 1 ? atoi(argv[1]) : 300, failures = 0, ran = 0;
    for (int it = 0; it < cases; ++it) {
        c4j_conv_geom g;
        int32_t groups = pick(1, 3);
        g.n = pick(1, 4); g.c = groups * pick(1, 20); g.k = groups * pick(1, 20); g.groups = groups;
        g.h = pick(1, 16); g.w = pick(1, 16); g.r = pick(1, 5); g.s = pick(1, 5);
        g.stride_h = pick(1, 3); g.stride_w = pick(1, 3); g.pad_h = pick(0, 3); g.pad_w = pick(0, 3);
        g.dil_h = pick(1, 2); g.dil_w = pick(1, 2);
        g.out_h = (g.h + 2 * g.pad_h - (g.dil_h * (g.r - 1) + 1)) / g.stride_h + 1;
        g.out_w = (g.w + 2 * g.pad_w - (g.dil_w * (g.s - 1) + 1)) / g.stride_w + 1;
        if (g.out_h <= 0 || g.out_w <= 0 || g.h + 2 * g.pad_h < g.dil_h * (g.r - 1) + 1 ||
            g.w + 2 * g.pad_w < g.dil_w * (g.s - 1) + 1)
            continue;
        g.chunk = pick(1, g.n);
        g.relu = pick(0, 1); /* the ReLU fused into the forward, on both paths */
        const int64_t xs = (int64_t)g.n * g.c * g.h * g.w, ys = (int64_t)g.n * g.k * g.out_h * g.out_w;
        const int64_t ws = (int64_t)g.k * (g.c / groups) * g.r * g.s, wl = c4j_conv2d_workspace(&g);
        float *x = filled(xs), *w = filled(ws), *b = filled(g.k), *dy = filled(ys);
        float *y[2], *dx[2], *dw[2], *db[2];
        for (int fast = 0; fast < 2; ++fast) {
            c4j_set_fast_kernels(fast);
            float *work = malloc((size_t)(wl > 0 ? wl : 1) * sizeof(float));
            y[fast] = filled(ys); dx[fast] = filled(xs);
            dw[fast] = calloc((size_t)ws, sizeof(float)); db[fast] = calloc((size_t)g.k, sizeof(float));
            int32_t mid = pick(0, g.n); /* two image ranges, as two workers would run them */
            int rc = 0;
            if (mid > 0) rc |= c4j_conv2d_forward(&g, 0, mid, x, w, b, y[fast], work, wl);
            if (mid < g.n) rc |= c4j_conv2d_forward(&g, mid, g.n, x, w, b, y[fast], work, wl);
            if (mid > 0) rc |= c4j_conv2d_backward(&g, 0, mid, x, w, dy, dx[fast], dw[fast], db[fast], work, wl);
            if (mid < g.n) rc |= c4j_conv2d_backward(&g, mid, g.n, x, w, dy, dx[fast], dw[fast], db[fast], work, wl);
            if (rc != C4J_OK) {
                fprintf(stderr, "case %d: status %d\n", it, rc);
                ++failures;
            }
            free(work);
        }
        const double depth = (double)(g.c / groups) * g.r * g.s + (double)g.n * g.out_h * g.out_w;
        if (!close_enough("y", y[1], y[0], ys, depth) || !close_enough("dx", dx[1], dx[0], xs, depth) ||
            !close_enough("dw", dw[1], dw[0], ws, depth) || !close_enough("db", db[1], db[0], g.k, depth)) {
            fprintf(stderr, "case %d: N%d C%d %dx%d K%d %dx%d stride %d,%d pad %d,%d dil %d,%d groups %d chunk %d relu %d\n",
                    it, g.n, g.c, g.h, g.w, g.k, g.r, g.s, g.stride_h, g.stride_w, g.pad_h, g.pad_w,
                    g.dil_h, g.dil_w, g.groups, g.chunk, g.relu);
            ++failures;
        }
        for (int fast = 0; fast < 2; ++fast) { free(y[fast]); free(dx[fast]); free(dw[fast]); free(db[fast]); }
        free(x); free(w); free(b); free(dy);
        ++ran;
    }
    c4j_set_fast_kernels(1);
    printf("conv_bounds: %d geometries, fast kernels %s, %d failures\n", ran,
           c4j_fast_kernels() ? "on this CPU" : "NOT available here (portable only)", failures);
    return failures != 0;
}

/* Memory-safety check of max pooling under AddressSanitizer/UBSan (scripts/native-sanitize.sh):
 * random windows (the 2x2/2 AVX2 paths with full, overlapping and masked blocks of eight, and the
 * general loop), buffers of exactly the documented size, forward and backward (with and without
 * the fused ReLU's mask) on the AVX2 and the portable kernels, which must agree exactly. */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "conv4j.h"

static int same(const char *what, const void *a, const void *b, size_t bytes, int it) {
    if (memcmp(a, b, bytes) == 0) return 1;
    fprintf(stderr, "case %d: %s differs between the fast and the portable kernels\n", it, what);
    return 0;
}

int main(int argc, char **argv) {
    int cases = argc > 1 ? atoi(argv[1]) : 300, failures = 0, ran = 0;
    for (int it = 0; it < cases; ++it) {
        c4j_pool_geom g;
        const int two = pick(0, 2) > 0; /* mostly the 2x2/2 window */
        g.n = pick(1, 3); g.c = pick(1, 3); g.h = pick(1, 40); g.w = pick(1, 40);
        g.kernel_h = two ? 2 : pick(1, 4); g.kernel_w = two ? 2 : pick(1, 4);
        g.stride_h = two ? 2 : pick(1, 3); g.stride_w = two ? 2 : pick(1, 3);
        g.pad_h = two ? 0 : pick(0, g.kernel_h / 2); g.pad_w = two ? 0 : pick(0, g.kernel_w / 2);
        g.dil_h = two ? 1 : pick(1, 2); g.dil_w = two ? 1 : pick(1, 2);
        const int32_t eh = g.dil_h * (g.kernel_h - 1) + 1, ew = g.dil_w * (g.kernel_w - 1) + 1;
        if (g.h + 2 * g.pad_h < eh || g.w + 2 * g.pad_w < ew) continue;
        g.out_h = (g.h + 2 * g.pad_h - eh) / g.stride_h + 1;
        g.out_w = (g.w + 2 * g.pad_w - ew) / g.stride_w + 1;
        const int64_t xs = (int64_t)g.n * g.c * g.h * g.w, ys = (int64_t)g.n * g.c * g.out_h * g.out_w;
        float *x = filled(xs), *dy = filled(ys), *y[2], *dx[2][2];
        int32_t *arg[2];
        for (int fast = 0; fast < 2; ++fast) {
            c4j_set_fast_kernels(fast);
            y[fast] = malloc((size_t)ys * sizeof(float));
            arg[fast] = malloc((size_t)ys * sizeof(int32_t));
            int32_t mid = pick(0, g.n); /* two image ranges, as two workers would run them */
            int rc = 0;
            if (mid > 0) rc |= c4j_maxpool2d_forward(&g, 0, mid, x, y[fast], arg[fast]);
            if (mid < g.n) rc |= c4j_maxpool2d_forward(&g, mid, g.n, x, y[fast], arg[fast]);
            for (int masked = 0; masked < 2; ++masked) {
                dx[fast][masked] = filled(xs); /* garbage that must all be overwritten */
                if (mid > 0) rc |= c4j_maxpool2d_backward(&g, 0, mid, dy, arg[fast], masked ? y[fast] : NULL, dx[fast][masked]);
                if (mid < g.n) rc |= c4j_maxpool2d_backward(&g, mid, g.n, dy, arg[fast], masked ? y[fast] : NULL, dx[fast][masked]);
            }
            if (rc != C4J_OK) {
                fprintf(stderr, "case %d: status %d\n", it, rc);
                ++failures;
            }
        }
        if (!same("y", y[1], y[0], (size_t)ys * sizeof(float), it) ||
            !same("argmax", arg[1], arg[0], (size_t)ys * sizeof(int32_t), it) ||
            !same("dx", dx[1][0], dx[0][0], (size_t)xs * sizeof(float), it) ||
            !same("dx masked", dx[1][1], dx[0][1], (size_t)xs * sizeof(float), it)) {
            fprintf(stderr, "case %d: N%d C%d %dx%d window %dx%d stride %d,%d pad %d,%d dil %d,%d\n", it, g.n, g.c,
                    g.h, g.w, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w, g.pad_h, g.pad_w, g.dil_h, g.dil_w);
            ++failures;
        }
        for (int fast = 0; fast < 2; ++fast) { free(y[fast]); free(arg[fast]); free(dx[fast][0]); free(dx[fast][1]); }
        free(x); free(dy);
        ++ran;
    }
    c4j_set_fast_kernels(1);
    printf("pool_bounds: %d windows, fast kernels %s, %d failures\n", ran,
           c4j_fast_kernels() ? "on this CPU" : "NOT available here (portable only)", failures);
    return failures != 0;
}

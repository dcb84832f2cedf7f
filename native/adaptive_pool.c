/* Adaptive average pooling (PyTorch's AdaptiveAvgPool2d): output cell i of an axis of length in
 * pooled to out cells averages the input rows [floor(i*in/out), ceil((i+1)*in/out)). Windows
 * may overlap and differ in size; every window holds at least one row. */
#include "conv4j.h"

/* The window of output cell i of one axis; 64-bit products, so any int32 sizes are safe. */
static void axis_window(int64_t i, int64_t in, int64_t out, int64_t *begin, int64_t *end) {
    *begin = i * in / out;
    *end = ((i + 1) * in + out - 1) / out;
}

/* The input window of output cell (oi, oj): rows [r0, r1), columns [c0, c1), and how many inputs
 * it holds, as the double both the forward's mean and the backward's share divide by. */
typedef struct { int64_t r0, r1, c0, c1; double count; } cell_window;

static cell_window window_of(int64_t oi, int64_t oj, int64_t h, int64_t w, int64_t out_h, int64_t out_w) {
    cell_window win;
    axis_window(oi, h, out_h, &win.r0, &win.r1);
    axis_window(oj, w, out_w, &win.c0, &win.c1);
    win.count = (double)((win.r1 - win.r0) * (win.c1 - win.c0));
    return win;
}

static int bad_geometry(int32_t n, int32_t c, int32_t h, int32_t w, int32_t out_h, int32_t out_w) {
    return n < 0 || c <= 0 || h <= 0 || w <= 0 || out_h <= 0 || out_w <= 0;
}

int c4j_adaptive_avgpool2d_forward(int32_t n, int32_t c, int32_t h, int32_t w, int32_t out_h, int32_t out_w,
                                   const float *x, float *y) {
    if (bad_geometry(n, c, h, w, out_h, out_w)) return C4J_EBADARG;
    const int64_t planes = (int64_t)n * c, in_plane = (int64_t)h * w, out_plane = (int64_t)out_h * out_w;
    for (int64_t p = 0; p < planes; ++p) {
        const float *src = x + p * in_plane;
        float *dst = y + p * out_plane;
        for (int64_t oi = 0; oi < out_h; ++oi)
            for (int64_t oj = 0; oj < out_w; ++oj) {
                const cell_window win = window_of(oi, oj, h, w, out_h, out_w);
                double sum = 0.0;
                for (int64_t r = win.r0; r < win.r1; ++r)
                    for (int64_t q = win.c0; q < win.c1; ++q) sum += src[r * w + q];
                dst[oi * out_w + oj] = (float)(sum / win.count);
            }
    }
    return C4J_OK;
}

int c4j_adaptive_avgpool2d_backward(int32_t n, int32_t c, int32_t h, int32_t w, int32_t out_h, int32_t out_w,
                                    const float *dy, float *dx) {
    if (bad_geometry(n, c, h, w, out_h, out_w)) return C4J_EBADARG;
    const int64_t planes = (int64_t)n * c, in_plane = (int64_t)h * w, out_plane = (int64_t)out_h * out_w;
    for (int64_t p = 0; p < planes; ++p) {
        float *dst = dx + p * in_plane;
        const float *g = dy + p * out_plane;
        for (int64_t i = 0; i < in_plane; ++i) dst[i] = 0.0f;
        /* overlapping windows add up: each output's share goes to every cell of its window */
        for (int64_t oi = 0; oi < out_h; ++oi)
            for (int64_t oj = 0; oj < out_w; ++oj) {
                const cell_window win = window_of(oi, oj, h, w, out_h, out_w);
                const float share = (float)((double)g[oi * out_w + oj] / win.count);
                for (int64_t r = win.r0; r < win.r1; ++r)
                    for (int64_t q = win.c0; q < win.c1; ++q) dst[r * w + q] += share;
            }
    }
    return C4J_OK;
}

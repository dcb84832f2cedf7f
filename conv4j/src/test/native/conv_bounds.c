/* Memory-safety check of the convolution kernels under AddressSanitizer/UBSan
 * (scripts/native-sanitize.sh builds and runs it): geometries drawn three ways (ordinary with
 * symmetric padding, SAME with its asymmetric padding, and huge: strides, paddings and
 * dilations of 2^16..2^31-1 on inputs of a few pixels), plus fixed cases (weight-gradient depth
 * blocks past 2048 pixels, planes too large for the fast path's int32 tables) and one-channel
 * geometries for the direct kernels (with stride 1 both ways, their input gradient). Every buffer has
 * exactly the size the API documents and outputs start as NaN, so an overrun is a sanitizer
 * report and an unwritten element a mismatch. Every kernel path runs (portable, AVX2, and AVX-512
 * where the CPU has it, else AVX2 again), forward and backward, and
 * must match a naive double-precision reference (tolerance 1e-6 per term of depth + 1e-5
 * relative: the GEMMs sum in other orders) and each other (1e-5 per term); dropping optional
 * outputs (b, dx, dw, db) must leave the others bit for bit, and so must the forward from
 * weights packed once (c4j_conv2d_pack, c4j_conv2d_forward_packed). A huge geometry may be refused
 * (C4J_EBADARG) only where Java refuses it too. The forward that max-pools its output chunk by chunk
 * (c4j_conv2d_forward_pool) must give the bits of the forward and the pooling run apart. Exits non-zero on any failure. */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "conv4j.h"
#include "conv_fast.h"

enum { MAX_OUTPUTS = 4096, MAX_WORKSPACE = 1 << 24 };

static int ran, refused, fast_path, portable_only, skipped, row_dw, strided_phases, pooled;

/* y = conv(x, w) + b (then the fused ReLU), dx, dw and db by the definition, in double. */
static void reference(const c4j_conv_geom *g, const float *x, const float *w, const float *b,
                      const float *dy, double *y, double *dx, double *dw, double *db) {
    const int64_t cg = g->c / g->groups, kg = g->k / g->groups, P = g->out_h, Q = g->out_w;
    for (int64_t n = 0; n < g->n; ++n)
        for (int64_t k = 0; k < g->k; ++k)
            for (int64_t p = 0; p < P; ++p)
                for (int64_t q = 0; q < Q; ++q) {
                    const int64_t o = ((n * g->k + k) * P + p) * Q + q, c0 = k / kg * cg;
                    double sum = b ? b[k] : 0.0;
                    db[k] += dy[o];
                    for (int64_t c = 0; c < cg; ++c)
                        for (int64_t i = 0; i < g->r; ++i)
                            for (int64_t j = 0; j < g->s; ++j) {
                                const int64_t ih = p * g->stride_h - g->pad_h + i * g->dil_h,
                                              iw = q * g->stride_w - g->pad_w + j * g->dil_w;
                                if (ih < 0 || ih >= g->h || iw < 0 || iw >= g->w) continue;
                                const int64_t xi = ((n * g->c + c0 + c) * g->h + ih) * g->w + iw,
                                              wi = ((k * cg + c) * g->r + i) * g->s + j;
                                sum += (double)x[xi] * w[wi];
                                dx[xi] += (double)w[wi] * dy[o];
                                dw[wi] += (double)x[xi] * dy[o];
                            }
                    y[o] = g->relu && !(sum > 0.0) ? 0.0 : sum;
                }
}

static int near(const char *what, const float *got, const double *want, int64_t len, double depth) {
    for (int64_t i = 0; i < len; ++i)
        if (!(fabs(got[i] - want[i]) <= 1e-6 * depth + 1e-5 * fabs(want[i]))) {
            fprintf(stderr, "%s[%lld]: %g vs %g (reference)\n", what, (long long)i, got[i], want[i]);
            return 0;
        }
    return 1;
}

static int close_enough(const char *what, const float *a, const float *b, int64_t len, double depth) {
    for (int64_t i = 0; i < len; ++i)
        if (!(fabs((double)a[i] - b[i]) <= 1e-5 * depth + 1e-5 * fabs((double)b[i]))) {
            fprintf(stderr, "%s[%lld]: %g (fast) vs %g (portable)\n", what, (long long)i, a[i], b[i]);
            return 0;
        }
    return 1;
}

static int same(const char *what, const float *a, const float *b, int64_t len) {
    if (!a || !b || memcmp(a, b, (size_t)len * sizeof(float)) == 0) return 1;
    fprintf(stderr, "%s changed when other outputs were NULL\n", what);
    return 0;
}

/* Outputs of one kernel path. */
typedef struct { float *y, *dx, *dw, *db; } outputs;

static void release(outputs *o) { free(o->y); free(o->dx); free(o->dw); free(o->db); }

/* Forward and backward over images [0, mid) and [mid, n), as two workers would run them, into
 * fresh outputs (NaN-filled y and dx; dw and db accumulate from 0). keep selects the backward's
 * outputs (bits: dx, dw, db); the others are passed as NULL. Returns the status. */
static int pass(const c4j_conv_geom *g, int32_t mid, const float *x, const float *w, const float *b,
                const float *dy, int keep, float *work, int64_t wl, outputs *o) {
    const int64_t xs = (int64_t)g->n * g->c * g->h * g->w, ys = (int64_t)g->n * g->k * g->out_h * g->out_w;
    const int64_t ws = (int64_t)g->k * (g->c / g->groups) * g->r * g->s;
    o->y = nan_filled(ys);
    o->dx = keep & 1 ? nan_filled(xs) : NULL;
    o->dw = keep & 2 ? calloc((size_t)ws, sizeof(float)) : NULL;
    o->db = keep & 4 ? calloc((size_t)g->k, sizeof(float)) : NULL;
    int rc[4], calls = 0;
    if (mid > 0) rc[calls++] = c4j_conv2d_forward(g, 0, mid, x, w, b, o->y, work, wl);
    if (mid < g->n) rc[calls++] = c4j_conv2d_forward(g, mid, g->n, x, w, b, o->y, work, wl);
    if (mid > 0) rc[calls++] = c4j_conv2d_backward(g, 0, mid, x, w, dy, o->dx, o->dw, o->db, work, wl);
    if (mid < g->n) rc[calls++] = c4j_conv2d_backward(g, mid, g->n, x, w, dy, o->dx, o->dw, o->db, work, wl);
    for (int i = 1; i < calls; ++i)
        if (rc[i] != rc[0]) return 1; /* neither OK nor a consistent refusal */
    return rc[0];
}

/* The forward from weights packed once (c4j_conv2d_pack into exactly the weights' floats, the
 * buffer NaN-filled first) over the images [0, mid) and [mid, n), as two workers sharing the
 * packing run it: bit for bit the forward that packs per call (want). A packing one float short
 * is refused, and one passed with another layout code than the one that runs now must not be
 * read (a NaN-filled buffer then leaves the output as it should be). */
static int packed_forward(const c4j_conv_geom *g, int32_t mid, const float *x, const float *w, const float *b,
                          const float *want, float *work, int64_t wl) {
    const int64_t ys = (int64_t)g->n * g->k * g->out_h * g->out_w, ws = (int64_t)g->k * (g->c / g->groups) * g->r * g->s;
    float *packed = nan_filled(ws), *y = nan_filled(ys);
    const int32_t code = c4j_conv2d_pack(g, w, packed, ws);
    int ok = code >= 0 && code == c4j_conv2d_packed_layout(g) &&
             c4j_conv2d_pack(g, w, packed, ws - 1) == (code ? C4J_EWORKSPACE : 0);
    const int stale = pick(0, 3) == 0;
    if (stale) { /* another layout's packing: NaN, never read */
        free(packed);
        packed = nan_filled(ws);
    }
    const int32_t told = stale ? code + 1 : code;
    if (mid > 0) ok &= c4j_conv2d_forward_packed(g, 0, mid, x, w, packed, ws, told, b, y, work, wl) == C4J_OK;
    if (mid < g->n) ok &= c4j_conv2d_forward_packed(g, mid, g->n, x, w, packed, ws, told, b, y, work, wl) == C4J_OK;
    ok &= memcmp(y, want, (size_t)ys * sizeof(float)) == 0;
    if (!ok) fprintf(stderr, "packed forward (layout %d, told %d) differs from the per-call packing\n", code, told);
    free(packed);
    free(y);
    return ok;
}

/* One axis of a max pooling over the convolution's output plane (in wide): 2x2/2 at times (the
 * vectorised path), else a window of 1..3 with stride 1..3 and padding up to half of it; 0 where
 * the window does not fit. */
static int pool_axis(int32_t in, int two, int32_t *k, int32_t *s, int32_t *pad, int32_t *out) {
    *k = two ? 2 : pick(1, 3);
    *s = two ? 2 : pick(1, 3);
    *pad = two ? 0 : pick(0, *k / 2);
    if (in + 2 * *pad < *k) return 0;
    *out = (in + 2 * *pad - *k) / *s + 1;
    return 1;
}

/* The forward with its output max-pooled chunk by chunk (c4j_conv2d_forward_pool) over the images
 * [0, mid) and [mid, n), in exactly c4j_conv2d_pool_workspace floats, NaN-filled pooled output and
 * argmax of -1: the bits of c4j_maxpool2d_forward over the plain forward's output (want), with or
 * without the packed weights. A workspace one float short and a pooling of other planes are refused. */
static int pooled_forward(const c4j_conv_geom *g, int32_t mid, const float *x, const float *w, const float *b,
                          const float *want) {
    const int two = pick(0, 2) == 0 && g->out_h >= 2 && g->out_w >= 2;
    c4j_pool_geom pg = {g->n * g->k, 1, g->out_h, g->out_w, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0};
    if (!pool_axis(g->out_h, two, &pg.kernel_h, &pg.stride_h, &pg.pad_h, &pg.out_h) ||
        !pool_axis(g->out_w, two, &pg.kernel_w, &pg.stride_w, &pg.pad_w, &pg.out_w))
        return 1;
    const int64_t ps = (int64_t)pg.n * pg.out_h * pg.out_w, ws = (int64_t)g->k * (g->c / g->groups) * g->r * g->s;
    const int64_t wl = c4j_conv2d_pool_workspace(g);
    if (wl < c4j_conv2d_workspace(g) + (int64_t)g->chunk * g->k * g->out_h * g->out_w) {
        fprintf(stderr, "pooled forward: workspace %lld too small\n", (long long)wl);
        return 0;
    }
    float *ref = nan_filled(ps), *got = nan_filled(ps), *work = nan_filled(wl), *packed = NULL;
    int32_t *ref_arg = malloc((size_t)ps * sizeof(int32_t)), *got_arg = malloc((size_t)ps * sizeof(int32_t));
    memset(ref_arg, 0xff, (size_t)ps * sizeof(int32_t));
    memset(got_arg, 0xff, (size_t)ps * sizeof(int32_t));
    int ok = c4j_maxpool2d_forward(&pg, 0, pg.n, want, ref, ref_arg) == C4J_OK;
    int32_t code = 0;
    if (pick(0, 1)) {
        packed = nan_filled(ws);
        code = c4j_conv2d_pack(g, w, packed, ws);
    }
    if (mid > 0) ok &= c4j_conv2d_forward_pool(g, &pg, 0, mid, x, w, packed, ws, code, b, got, got_arg, work, wl) == C4J_OK;
    if (mid < g->n) ok &= c4j_conv2d_forward_pool(g, &pg, mid, g->n, x, w, packed, ws, code, b, got, got_arg, work, wl) == C4J_OK;
    ok &= memcmp(got, ref, (size_t)ps * sizeof(float)) == 0 && memcmp(got_arg, ref_arg, (size_t)ps * sizeof(int32_t)) == 0;
    ok &= c4j_conv2d_forward_pool(g, &pg, 0, g->n, x, w, packed, ws, code, b, got, got_arg, work, wl - 1) == C4J_EWORKSPACE;
    c4j_pool_geom other = pg;
    other.n = pg.n - 1;
    ok &= c4j_conv2d_forward_pool(g, &other, 0, g->n, x, w, packed, ws, code, b, got, got_arg, work, wl) == C4J_EBADARG;
    other = pg;
    other.h = pg.h + 1;
    ok &= c4j_conv2d_forward_pool(g, &other, 0, g->n, x, w, packed, ws, code, b, got, got_arg, work, wl) == C4J_EBADARG;
    if (!ok)
        fprintf(stderr, "pooled forward differs or refuses wrongly: pooling %dx%d stride %d,%d pad %d,%d out %dx%d\n",
                pg.kernel_h, pg.kernel_w, pg.stride_h, pg.stride_w, pg.pad_h, pg.pad_w, pg.out_h, pg.out_w);
    ++pooled;
    free(ref); free(got); free(work); free(packed); free(ref_arg); free(got_arg);
    return ok;
}

/* Runs one geometry on the three paths (portable, fast on AVX2, fast on AVX-512 where the CPU has
 * it, else AVX2 again); refusable: Java refuses it too, so C4J_EBADARG is right. */
static int run(const c4j_conv_geom *g, int refusable, int it) {
    const int64_t xs = (int64_t)g->n * g->c * g->h * g->w, ys = (int64_t)g->n * g->k * g->out_h * g->out_w;
    const int64_t ws = (int64_t)g->k * (g->c / g->groups) * g->r * g->s, wl = c4j_conv2d_workspace(g);
    if (wl > MAX_WORKSPACE) { ++skipped; return 1; } /* a valid fast-path plan too big to run here */
    float *x = filled(xs), *w = filled(ws), *b = pick(0, 3) ? filled(g->k) : NULL, *dy = filled(ys);
    double *ry = calloc((size_t)ys, sizeof(double)), *rdx = calloc((size_t)xs, sizeof(double)),
           *rdw = calloc((size_t)ws, sizeof(double)), *rdb = calloc((size_t)g->k, sizeof(double));
    reference(g, x, w, b, dy, ry, rdx, rdw, rdb);
    const double taps = (double)(g->c / g->groups) * g->r * g->s + 1, back = (double)(g->k / g->groups) * g->r * g->s,
                 pixels = (double)g->n * g->out_h * g->out_w;
    outputs out[3] = {{0}};
    int ok = 1, rc[3];
    for (int fast = 0; fast < 3; ++fast) {
        c4j_set_fast_kernels(fast > 0);
        c4j_set_avx512(fast == 2);
        float *work = malloc((size_t)(wl > 0 ? wl : 1) * sizeof(float));
        const int32_t mid = pick(0, g->n);
        rc[fast] = pass(g, mid, x, w, b, dy, 7, work, wl, &out[fast]);
        if (rc[fast] == C4J_OK) {
            ok &= near("y", out[fast].y, ry, ys, taps) && near("dx", out[fast].dx, rdx, xs, back) &&
                  near("dw", out[fast].dw, rdw, ws, pixels) && near("db", out[fast].db, rdb, g->k, pixels);
            ok &= packed_forward(g, mid, x, w, b, out[fast].y, work, wl);
            ok &= pooled_forward(g, mid, x, w, b, out[fast].y);
            outputs part;
            const int keep = pick(0, 6); /* at least one of dx, dw, db NULL */
            ok &= pass(g, mid, x, w, b, dy, keep, work, wl, &part) == C4J_OK && same("y", part.y, out[fast].y, ys) &&
                  same("dx", part.dx, out[fast].dx, xs) && same("dw", part.dw, out[fast].dw, ws) &&
                  same("db", part.db, out[fast].db, g->k);
            release(&part);
        } else {
            ok &= refusable && rc[fast] == C4J_EBADARG;
        }
        free(work);
    }
    ok &= rc[0] == rc[1] && rc[0] == rc[2];
    if (ok && rc[0] == C4J_OK) { /* per-product paths, mixed at random, the switch off: they override it */
        c4j_set_fast_kernels(0);
        c4j_set_avx512(pick(0, 1));
        c4j_conv_geom mixed = *g;
        mixed.path_fwd = pick(1, 2); mixed.path_dw = pick(1, 2); mixed.path_dx = pick(1, 2);
        float *work = malloc((size_t)(wl > 0 ? wl : 1) * sizeof(float));
        outputs m;
        ok &= pass(&mixed, pick(0, g->n), x, w, b, dy, pick(0, 7), work, wl, &m) == C4J_OK &&
              near("mixed y", m.y, ry, ys, taps) && (!m.dx || near("mixed dx", m.dx, rdx, xs, back)) &&
              (!m.dw || near("mixed dw", m.dw, rdw, ws, pixels)) && (!m.db || near("mixed db", m.db, rdb, g->k, pixels));
        release(&m);
        mixed.path_dx = pick(0, 1) ? 3 : -1; /* not a path */
        ok &= c4j_conv2d_forward(&mixed, 0, g->n, x, w, b, dy, work, wl) == C4J_EBADARG &&
              c4j_conv2d_workspace(&mixed) == 0;
        free(work);
    }
    for (int f = 1; f < 3 && ok && rc[0] == C4J_OK; ++f)
        ok = close_enough("y", out[f].y, out[0].y, ys, taps) && close_enough("dx", out[f].dx, out[0].dx, xs, taps) &&
             close_enough("dw", out[f].dw, out[0].dw, ws, pixels) && close_enough("db", out[f].db, out[0].db, g->k, pixels);
    if (!ok)
        fprintf(stderr, "case %d: status %d/%d N%d C%d %dx%d K%d %dx%d stride %d,%d pad %d,%d dil %d,%d out %dx%d groups %d chunk %d relu %d bias %d\n",
                it, rc[0], rc[1], g->n, g->c, g->h, g->w, g->k, g->r, g->s, g->stride_h, g->stride_w, g->pad_h,
                g->pad_w, g->dil_h, g->dil_w, g->out_h, g->out_w, g->groups, g->chunk, g->relu, b != NULL);
    c4j_conv_plan plan;
    if (rc[0] == C4J_OK && c4j_conv_fast_fits(g)) {
        c4j_conv_fast_plan(g, NULL, &plan);
        row_dw += plan.row_dw;
        strided_phases += plan.flipped && (g->stride_h > 1 || g->stride_w > 1);
    }
    if (rc[0] == C4J_EBADARG) ++refused;
    else if (c4j_conv_fast_fits(g)) ++fast_path;
    else ++portable_only;
    ++ran;
    release(&out[0]); release(&out[1]); release(&out[2]);
    free(x); free(w); free(b); free(dy); free(ry); free(rdx); free(rdw); free(rdb);
    return ok;
}

/* A geometry from two axes and the channel counts. */
static c4j_conv_geom geom_of(const axis *h, const axis *v, int32_t n, int32_t c, int32_t k, int32_t groups,
                             int32_t chunk) {
    c4j_conv_geom g = {n, c, (int32_t)h->in, (int32_t)v->in, k, (int32_t)h->k, (int32_t)v->k,
                       (int32_t)h->stride, (int32_t)v->stride, (int32_t)h->pad, (int32_t)v->pad,
                       (int32_t)h->dil, (int32_t)v->dil, groups, (int32_t)h->out, (int32_t)v->out, chunk, 0, 0, 0, 0};
    return g;
}

/* The weight gradient's product over more than one depth block of 2048 pixels (64x64 outputs,
 * two images a chunk), on both input-gradient forms; the weight gradient by pixel rows with
 * partial tiles and row tails; the fast path refusing planes whose offsets leave int32 (the
 * portable path then runs it); the geometry of the reported crash. */
static int fixed_cases(void) {
    int ok = 1;
    axis wide = {.in = 64, .k = 3, .dil = 1, .stride = 1, .pad = 1},
         dot = {.in = 1, .k = 1, .dil = 1, .stride = 1 << 15, .pad = 1 << 15},
         tall = {.in = 2, .k = 2, .dil = 1 << 16, .stride = 1 << 16, .pad = 1 << 16};
    shape_axis(&wide, 0); shape_axis(&dot, 0); shape_axis(&tall, 0);
    c4j_conv_geom g = geom_of(&wide, &wide, 2, 3, 5, 1, 2);
    ok &= run(&g, 0, -1);
    g = geom_of(&wide, &wide, 2, 16, 16, 1, 2); /* stride 1, 16 channels: the flipped input gradient */
    ok &= run(&g, 0, -2);
    g = geom_of(&dot, &dot, 1, 1, 1, 1, 1); /* a 65537 x 65537 padded plane */
    if (c4j_conv_fast_fits(&g)) { fprintf(stderr, "fast path claims a 2^32-float plane\n"); ok = 0; }
    ok &= run(&g, 0, -3);
    g = geom_of(&tall, &dot, 2, 2, 3, 1, 2);
    ok &= run(&g, 0, -4);
    /* the weight gradient by pixel rows (conv_fast_kernel.h's row_weight_grad, at most 16 output
     * channels a group, horizontal stride 1): rows of 2 vectors and a tail of 3 lanes (35 wide),
     * channels and taps that leave partial tiles (7 channels; 5 x 9 = 45 taps), vertical stride
     * 2 and horizontal dilation 2, three images in chunks of 2; then two groups of 5 channels,
     * a 5x5 kernel, and chunks of one image */
    axis rows = {.in = 13, .k = 3, .dil = 1, .stride = 2, .pad = 1}, cols = {.in = 37, .k = 3, .dil = 2, .stride = 1, .pad = 1};
    shape_axis(&rows, 0); shape_axis(&cols, 0);
    g = geom_of(&rows, &cols, 3, 5, 7, 1, 2);
    ok &= run(&g, 0, -6);
    axis sq = {.in = 20, .k = 5, .dil = 1, .stride = 1, .pad = 2};
    shape_axis(&sq, 0);
    g = geom_of(&sq, &sq, 2, 6, 10, 2, 1);
    ok &= run(&g, 0, -7);
    /* the input gradient's col2im at horizontal stride 2 (im2col_avx2.c's spread to even lanes):
     * 23 and 24 columns, so blocks reach the plane's end (there element by element), and
     * horizontal dilation 2 */
    axis s2 = {.in = 9, .k = 3, .dil = 1, .stride = 2, .pad = 1}, w23 = {.in = 23, .k = 3, .dil = 1, .stride = 2, .pad = 1},
         w24 = {.in = 24, .k = 3, .dil = 2, .stride = 2, .pad = 2};
    shape_axis(&s2, 0); shape_axis(&w23, 0); shape_axis(&w24, 0);
    g = geom_of(&s2, &w23, 2, 5, 6, 1, 1);
    ok &= run(&g, 0, -8);
    g = geom_of(&s2, &w24, 2, 17, 9, 1, 2);
    ok &= run(&g, 0, -9);
    /* the input gradient by phases of the strides (conv_fast_kernel.h's input_grad_phased, 16
     * input channels a group or more; on AVX-512 16 of them take the plane products, more the
     * pixel products): 3x3 at stride 2 on odd and even sizes with padding 1 and 0 (rows of 8-
     * column interleave blocks and tails), three images in chunks of two; 20 channels (a part
     * panel); dilation 2 (phases without taps: zeros); stride 3 (three phases a row, element by
     * element); strides 2 x 1 and 1 x 2; a 2x2 kernel at stride 2 (one tap a phase); 5x5 with
     * padding 2; two groups of 16 channels; planes of one row and one column */
    static const int32_t phased[][15] = {
        /* h, w, r, s, stride h, w, pad h, w, dil h, w, c, k, groups, n, chunk */
        {17, 18, 3, 3, 2, 2, 1, 1, 1, 1, 16, 6, 1, 3, 2},
        {16, 19, 3, 3, 2, 2, 0, 0, 1, 1, 16, 5, 1, 2, 2},
        {15, 33, 3, 3, 2, 2, 1, 1, 1, 1, 20, 7, 1, 3, 2},
        {13, 21, 3, 3, 2, 2, 2, 2, 2, 2, 16, 4, 1, 2, 1},
        {14, 17, 3, 3, 3, 3, 1, 1, 1, 1, 17, 3, 1, 2, 2},
        {12, 18, 3, 3, 2, 1, 1, 1, 1, 1, 16, 5, 1, 2, 1},
        {11, 23, 3, 3, 1, 2, 1, 0, 1, 1, 33, 4, 1, 1, 1},
        {16, 20, 2, 2, 2, 2, 0, 0, 1, 1, 16, 9, 1, 2, 2},
        {13, 26, 5, 5, 2, 2, 2, 2, 1, 1, 18, 3, 1, 2, 2},
        {10, 17, 3, 3, 2, 2, 1, 1, 1, 1, 32, 8, 2, 3, 3},
        {1, 24, 3, 3, 2, 2, 1, 1, 1, 1, 16, 4, 1, 2, 2},
        {20, 1, 3, 3, 2, 2, 1, 1, 1, 1, 24, 4, 1, 2, 2},
    };
    for (size_t i = 0; i < sizeof phased / sizeof phased[0]; ++i) {
        const int32_t *v = phased[i];
        axis rows_ = {.in = v[0], .k = v[2], .stride = v[4], .pad = v[6], .dil = v[8]},
             cols_ = {.in = v[1], .k = v[3], .stride = v[5], .pad = v[7], .dil = v[9]};
        if (!shape_axis(&rows_, 0) || !shape_axis(&cols_, 0)) { fprintf(stderr, "phased case %zu has no output\n", i); ok = 0; continue; }
        g = geom_of(&rows_, &cols_, v[13], v[10], v[11], v[12], v[14]);
        c4j_conv_plan plan;
        if (!c4j_conv_fast_fits(&g) || (c4j_conv_fast_plan(&g, NULL, &plan), !plan.flipped)) {
            fprintf(stderr, "phased case %zu does not take the phased input gradient\n", i);
            ok = 0;
        }
        ok &= run(&g, 0, -10 - (int)i);
    }
    /* issue 12's crash: Conv2d(1, 1, (2, 1)) with stride (2^30, 1), padding (2^30, 0) and
     * dilation (2^30, 1) on one pixel; its padded height 2^31 + 1 is refused on both sides */
    const c4j_conv_geom crash = {1, 1, 1, 1, 1, 2, 1, 1 << 30, 1, 1 << 30, 0, 1 << 30, 1, 1, 2, 1, 1, 0, 0, 0, 0};
    ok &= run(&crash, 1, -5);
    return ok;
}

int main(int argc, char **argv) {
    int cases = argc > 1 ? atoi(argv[1]) : 300, failures = !fixed_cases(), huge_ran = 0, huge_fast = 0, huge_refused = 0;
    for (int it = 0; it < cases; ++it) {
        const int mode = pick(0, 2), huge = mode == 2; /* ordinary, SAME, huge */
        axis a[2];
        for (int d = 0; d < 2; ++d) {
            a[d].in = huge ? pick(1, 4) : pick(1, 16);
            a[d].k = pick(1, huge ? 3 : 5);
            a[d].stride = small_or_huge(1, 3, huge);
            a[d].pad = small_or_huge(0, 3, huge);
            a[d].dil = small_or_huge(1, 2, huge);
        }
        const int same_pad = mode == 1 || (huge && pick(0, 3) == 0);
        if (!shape_axis(&a[0], same_pad) || !shape_axis(&a[1], same_pad) || a[0].out * a[1].out > MAX_OUTPUTS)
            continue;
        const int32_t groups = pick(1, 3), n = pick(1, huge ? 2 : 4);
        /* one draw per statement: the order of arguments' evaluation is the compiler's, and a
         * case must replay the same under every compiler */
        const int32_t c = groups * pick(1, huge ? 2 : 20);
        const int32_t k = groups * pick(1, huge ? 2 : 20);
        const int32_t chunk = pick(1, n);
        c4j_conv_geom g = geom_of(&a[0], &a[1], n, c, k, groups, chunk);
        g.relu = pick(0, 1); /* the ReLU fused into the forward, on both paths */
        const int fast_before = fast_path, refused_before = refused;
        failures += !run(&g, !java_accepts(&a[0]) || !java_accepts(&a[1]), it);
        huge_ran += huge;
        huge_fast += huge ? fast_path - fast_before : 0;
        huge_refused += huge ? refused - refused_before : 0;
    }
    /* One input channel, one group, horizontal stride 1: the direct kernels (conv_direct_kernel.h),
     * on rows of 1 to 3 vectors of either ISA and odd channel counts, kernels, strides, padding. */
    const int before_direct = ran;
    for (int it = 0; it < cases / 3; ++it) {
        axis a[2];
        for (int d = 0; d < 2; ++d) {
            a[d].in = pick(1, d ? 40 : 12);
            a[d].k = pick(1, d ? 7 : 5);
            a[d].stride = d ? 1 : pick(1, 3);
            a[d].pad = pick(0, 3);
            a[d].dil = pick(1, 2);
        }
        if (!shape_axis(&a[0], 0) || !shape_axis(&a[1], 0) || a[0].out * a[1].out > MAX_OUTPUTS) continue;
        const int32_t n = pick(1, 4);
        const int32_t k = pick(1, 20);
        const int32_t chunk = pick(1, n);
        c4j_conv_geom g = geom_of(&a[0], &a[1], n, 1, k, 1, chunk);
        g.relu = pick(0, 1);
        failures += !run(&g, !java_accepts(&a[0]) || !java_accepts(&a[1]), cases + it);
    }
    /* Stride 1 both ways: the direct input gradient too, on its tiles of up to 8 rows and their
     * ragged last ones, kernels taller than its 5-tap blocks (6, 7: a block and a rest), a
     * vertical dilation (single-tap blocks), SAME's asymmetric padding, and up to 40 channels. */
    for (int it = 0; it < cases / 3; ++it) {
        axis a[2];
        const int same_pad = pick(0, 3) == 0;
        for (int d = 0; d < 2; ++d) {
            a[d].in = pick(1, d ? 40 : 20);
            a[d].k = pick(1, 7);
            a[d].stride = 1;
            a[d].pad = pick(0, 3);
            a[d].dil = pick(1, 2);
        }
        if (!shape_axis(&a[0], same_pad) || !shape_axis(&a[1], same_pad) || a[0].out * a[1].out > MAX_OUTPUTS) continue;
        const int32_t n = pick(1, 3);
        const int32_t k = pick(1, 40);
        const int32_t chunk = pick(1, n);
        c4j_conv_geom g = geom_of(&a[0], &a[1], n, 1, k, 1, chunk);
        g.relu = pick(0, 1);
        failures += !run(&g, !java_accepts(&a[0]) || !java_accepts(&a[1]), cases + cases / 3 + it);
    }
    /* Fixed one-channel geometries at the edges of the shifted planes (conv_direct_kernel.h): the
     * JMH layer (784 pixels = 12 forward tiles of 4 vectors + one vector on AVX-512), a plane of
     * whole tiles and no rest (8x8), a plane shorter than a vector (1x1 output), a kernel wider
     * than the image (3 wide, 7 taps, pad 3: shifted planes that are mostly zeros), and vertical
     * strides with dilation (row phases: planes per (column, phase)). Rows: h w k r s stride_h pad dil n. */
    static const int32_t fixed[][9] = {{28, 28, 32, 5, 5, 1, 2, 1, 3}, {8, 8, 3, 3, 3, 1, 1, 1, 2},
                                       {1, 1, 5, 5, 5, 1, 2, 1, 2},    {3, 3, 7, 1, 7, 1, 3, 1, 2},
                                       {17, 9, 6, 3, 3, 3, 2, 2, 3},   {16, 16, 4, 4, 4, 2, 1, 1, 2}};
    for (int i = 0; i < (int)(sizeof fixed / sizeof fixed[0]); ++i) {
        const int32_t *f = fixed[i];
        axis a[2] = {{f[0], f[3], f[7], f[5], f[6], 0, 0}, {f[1], f[4], f[7], 1, f[6], 0, 0}};
        if (!shape_axis(&a[0], 0) || !shape_axis(&a[1], 0)) {
            fprintf(stderr, "conv_bounds: fixed one-channel geometry %d has no output\n", i);
            ++failures;
            continue;
        }
        c4j_conv_geom g = geom_of(&a[0], &a[1], f[8], 1, f[2], 1, 2 < f[8] ? 2 : f[8]);
        g.relu = i & 1;
        failures += !run(&g, 0, 2 * cases + i);
    }
    c4j_set_fast_kernels(1);
    c4j_set_avx512(1);
    printf("conv_bounds: %d geometries (%d one-channel; %d huge: %d refused as Java does, %d on the fast path where on; "
           "all: %d refused, %d fast, %d portable only; %d skipped for workspace; %d with the row weight gradient's workspace, %d with the input gradient by phases of strides; %d pooled forwards), "
           "fast kernels %s, AVX-512 %s, %d failures\n",
           ran, ran - before_direct, huge_ran, huge_refused, huge_fast, refused, fast_path, portable_only, skipped, row_dw, strided_phases, pooled,
           c4j_fast_kernels() ? "on this CPU" : "NOT available here (portable only)",
           c4j_avx512_available() ? "on this CPU" : "NOT available here (AVX2 twice)", failures);
    return failures != 0;
}

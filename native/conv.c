/* 2-D convolution as im2col + one GEMM per group (after Caffe's base_conv_layer: a few GEMM
 * helpers shared by forward and backward).
 *
 * A chunk of `chunk` images is lowered side by side into one column matrix
 * col[Cg*R*S][chunk*P*Q], so each group needs one GEMM of width chunk*P*Q instead of `chunk`
 * thin ones. The GEMM result is then in [Kg][chunk*P*Q] order and is scattered to NCHW (tmp).
 * A 1x1 kernel with stride 1 and no padding needs no lowering: the image already is its column
 * matrix, and every GEMM reads x and writes y in place.
 *
 * Where conv4j's AVX2/FMA kernels run (cpu.h), every convolution but the 1x1 one may go to
 * conv_fast_avx2.c instead: its own GEMM reads a padded copy of the input through offset tables, with
 * no column matrix at all. Which path computes each product is the geometry's path_* field (the
 * caller measures both, nn/KernelChooser.java); the path below is the portable one (and the 1x1
 * one everywhere). */
#include <string.h>
#include <cblas.h>
#include "bias_relu.h"
#include "conv4j.h"
#include "conv_fast.h"
#include "cpu.h"
#include "window.h"

/* The geometry is usable, self-consistent and inside conv4j.h's contract (C4J_MAX_EXTENT), all
 * computed in 64 bits. out_h/out_w come from the caller because "same" mode pads more at the
 * bottom/right than at the top/left; im2col reads zeros for any window part outside the input,
 * so the only other bound is that no window starts past the input plus one kernel extent of
 * padding: (out-1)*stride <= in + 2*pad. */
static int path_ok(int32_t path) { return path == C4J_PATH_DEFAULT || path == C4J_PATH_FAST || path == C4J_PATH_PORTABLE; }

static int geom_ok(const c4j_conv_geom *g) {
    if (!g || !path_ok(g->path_fwd) || !path_ok(g->path_dw) || !path_ok(g->path_dx)) return 0;
    if (g->n <= 0 || g->c <= 0 || g->k <= 0 || g->groups <= 0 || g->chunk <= 0 || g->chunk > g->n)
        return 0;
    if (g->c % g->groups || g->k % g->groups) return 0;
    if (!c4j_axis_ok(g->h, g->r, g->pad_h, g->stride_h, g->dil_h, g->out_h) ||
        !c4j_axis_ok(g->w, g->s, g->pad_w, g->stride_w, g->dil_w, g->out_w))
        return 0;
    if ((int64_t)(g->out_h - 1) * g->stride_h > (int64_t)g->h + 2 * (int64_t)g->pad_h ||
        (int64_t)(g->out_w - 1) * g->stride_w > (int64_t)g->w + 2 * (int64_t)g->pad_w)
        return 0;
    /* planes and GEMM dimensions: cblas takes int */
    const int64_t pq = (int64_t)g->out_h * g->out_w;
    return (int64_t)g->h * g->w <= C4J_MAX_EXTENT && pq <= C4J_MAX_EXTENT &&
           (int64_t)(g->c / g->groups) * g->r * g->s <= C4J_MAX_EXTENT && g->chunk * pq <= C4J_MAX_EXTENT;
}

static int is_pointwise(const c4j_conv_geom *g) {
    return g->r == 1 && g->s == 1 && g->stride_h == 1 && g->stride_w == 1 && g->pad_h == 0 &&
           g->pad_w == 0 && g->out_h == g->h && g->out_w == g->w;
}

/* Portable path: the column matrix of a chunk ([Cg*R*S][chunk*PQ]) and, for chunks of more
 * than one image, a [Kg][chunk*PQ] buffer. The fast path's needs are conv_fast_plan.c's; the
 * workspace covers both, so either may run (they can be switched at run time). */
int64_t c4j_conv2d_workspace(const c4j_conv_geom *g) {
    if (!geom_ok(g) || is_pointwise(g)) return 0;
    int64_t pq = (int64_t)g->out_h * g->out_w;
    int64_t rows = (int64_t)(g->c / g->groups) * g->r * g->s;
    int64_t tmp = g->chunk > 1 ? (int64_t)(g->k / g->groups) * g->chunk * pq : 0;
    int64_t portable = rows * g->chunk * pq + tmp, fast = c4j_conv_fast_workspace(g);
    return portable > fast ? portable : fast;
}

#if C4J_HAVE_AVX2
/* The fast path runs this product: its path field asks for it (or defers to the switch, which is
 * on), the CPU has the kernels and the padded planes are addressable with int32. */
static int use_fast(const c4j_conv_geom *g, int32_t path) {
    const int wanted = path == C4J_PATH_FAST ? c4j_fast_kernels_available() : path == C4J_PATH_DEFAULT && c4j_fast();
    return wanted && !is_pointwise(g) && c4j_conv_fast_fits(g);
}
#else
static int use_fast(const c4j_conv_geom *g, int32_t path) { (void)g; (void)path; return 0; }
#endif

/* Everything a GEMM helper needs to know about one group of one chunk. */
typedef struct {
    const c4j_conv_geom *g;
    int32_t cg, kg;        /* channels per group in and out */
    int64_t pq, hw, rows;  /* output plane, input plane, column rows */
} layout;

static layout layout_of(const c4j_conv_geom *g) {
    layout l = {g, g->c / g->groups, g->k / g->groups, (int64_t)g->out_h * g->out_w,
                (int64_t)g->h * g->w, 0};
    l.rows = (int64_t)l.cg * g->r * g->s;
    return l;
}

/* Lower images [n0, n0+nb) of group grp into col (width nb*pq). */
static void lower(const layout *l, const float *x, int32_t n0, int32_t nb, int32_t grp, float *col) {
    const c4j_conv_geom *g = l->g;
    for (int32_t i = 0; i < nb; ++i)
        c4j_im2col(x + ((int64_t)(n0 + i) * g->c + (int64_t)grp * l->cg) * l->hw, l->cg, g->h, g->w,
                   g->r, g->s, g->pad_h, g->pad_w, g->stride_h, g->stride_w, g->dil_h, g->dil_w,
                   g->out_h, g->out_w, col + i * l->pq, nb * l->pq);
}

/* The adjoint of lower: dx of images [n0, n0+nb), group grp, += the columns folded back. */
static void fold(const layout *l, const float *col, int32_t n0, int32_t nb, int32_t grp, float *dx) {
    const c4j_conv_geom *g = l->g;
    for (int32_t i = 0; i < nb; ++i)
        c4j_col2im(col + i * l->pq, l->cg, g->h, g->w, g->r, g->s, g->pad_h, g->pad_w, g->stride_h,
                   g->stride_w, g->dil_h, g->dil_w, g->out_h, g->out_w,
                   dx + ((int64_t)(n0 + i) * g->c + (int64_t)grp * l->cg) * l->hw, nb * l->pq);
}

/* Move between NCHW activations (images n0.., channels of group grp) and a [Kg][nb*pq] matrix. */
static void gather(const layout *l, const float *act, int32_t n0, int32_t nb, int32_t grp, float *mat,
                   int to_matrix) {
    for (int32_t i = 0; i < nb; ++i)
        for (int32_t k = 0; k < l->kg; ++k) {
            float *m = mat + (int64_t)k * nb * l->pq + i * l->pq;
            float *a = (float *)act + ((int64_t)(n0 + i) * l->g->k + (int64_t)grp * l->kg + k) * l->pq;
            if (to_matrix) memcpy(m, a, (size_t)l->pq * sizeof(float));
            else memcpy(a, m, (size_t)l->pq * sizeof(float));
        }
}

static int range_ok(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end) {
    return geom_ok(g) && n_begin >= 0 && n_begin < n_end && n_end <= g->n;
}

int32_t c4j_conv2d_packed_layout(const c4j_conv_geom *g) {
#if C4J_HAVE_AVX2
    if (geom_ok(g) && use_fast(g, g->path_fwd)) return c4j_conv_fast_pack(g, NULL, NULL);
#endif
    (void)g;
    return 0;
}

static int64_t weight_floats(const c4j_conv_geom *g) { return (int64_t)g->k * (g->c / g->groups) * g->r * g->s; }

int32_t c4j_conv2d_pack(const c4j_conv_geom *g, const float *w, float *packed, int64_t packed_len) {
    if (!geom_ok(g) || !w) return C4J_EBADARG;
    const int32_t code = c4j_conv2d_packed_layout(g);
    if (code == 0) return 0;
    if (!packed || packed_len < weight_floats(g)) return C4J_EWORKSPACE;
#if C4J_HAVE_AVX2
    c4j_conv_fast_pack(g, w, packed);
#endif
    return code;
}

/* The forward, W read from `packed` where that holds it in the layout that runs now, else packed
 * (or not) as c4j_conv2d_forward does. */
static int forward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x, const float *w,
                   const float *packed, const float *b, float *y, float *workspace, int64_t workspace_len) {
    if (!range_ok(g, n_begin, n_end)) return C4J_EBADARG;
    if (workspace_len < c4j_conv2d_workspace(g)) return C4J_EWORKSPACE;
    (void)packed; /* only the fast path reads it */
#if C4J_HAVE_AVX2
    if (use_fast(g, g->path_fwd)) {
        c4j_conv_fast_forward(g, n_begin, n_end, x, w, packed, b, y, workspace);
        return C4J_OK;
    }
#endif
    const layout l = layout_of(g);
    const int pointwise = is_pointwise(g);
    for (int32_t n0 = n_begin; n0 < n_end; n0 += g->chunk) {
        int32_t nb = n_end - n0 < g->chunk ? n_end - n0 : g->chunk;
        for (int32_t grp = 0; grp < g->groups; ++grp) {
            const float *wg = w + grp * l.kg * l.rows;
            if (pointwise) {
                for (int32_t i = 0; i < nb; ++i)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, l.kg, (int)l.pq, (int)l.rows,
                                1.0f, wg, (int)l.rows,
                                x + ((int64_t)(n0 + i) * g->c + (int64_t)grp * l.cg) * l.hw, (int)l.pq,
                                0.0f, y + ((int64_t)(n0 + i) * g->k + (int64_t)grp * l.kg) * l.pq, (int)l.pq);
                continue;
            }
            float *col = workspace;
            lower(&l, x, n0, nb, grp, col);
            if (nb == 1) { /* the product already is the NCHW slab of this image and group */
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, l.kg, (int)l.pq, (int)l.rows,
                            1.0f, wg, (int)l.rows, col, (int)l.pq, 0.0f,
                            y + ((int64_t)n0 * g->k + (int64_t)grp * l.kg) * l.pq, (int)l.pq);
                continue;
            }
            float *tmp = col + l.rows * g->chunk * l.pq;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, l.kg, (int)(nb * l.pq), (int)l.rows,
                        1.0f, wg, (int)l.rows, col, (int)(nb * l.pq), 0.0f, tmp, (int)(nb * l.pq));
            gather(&l, y, n0, nb, grp, tmp, 0);
        }
    }
    const int64_t pq = (int64_t)g->out_h * g->out_w;
    for (int64_t n = n_begin; n < n_end; ++n) c4j_bias_relu(y + n * g->k * pq, g->k, pq, b, g->relu);
    return C4J_OK;
}

/* A packing of another layout (the path or the ISA switched since) or too short is not read. */
static int packed_usable(const c4j_conv_geom *g, const float *packed, int64_t packed_len, int32_t packed_layout) {
    return packed && packed_layout != 0 && geom_ok(g) && packed_layout == c4j_conv2d_packed_layout(g) &&
           packed_len >= weight_floats(g);
}

int c4j_conv2d_forward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                       const float *w, const float *b, float *y, float *workspace,
                       int64_t workspace_len) {
    return forward(g, n_begin, n_end, x, w, NULL, b, y, workspace, workspace_len);
}

int c4j_conv2d_forward_packed(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                              const float *w, const float *packed, int64_t packed_len, int32_t packed_layout,
                              const float *b, float *y, float *workspace, int64_t workspace_len) {
    return forward(g, n_begin, n_end, x, w, packed_usable(g, packed, packed_len, packed_layout) ? packed : NULL, b, y,
                   workspace, workspace_len);
}

/* The conv workspace, then one chunk of output (K x P x Q floats an image); -1 where the geometry is
 * unusable or the sum does not fit int64. */
int64_t c4j_conv2d_pool_workspace(const c4j_conv_geom *g) {
    if (!geom_ok(g)) return -1;
    const int64_t conv = c4j_conv2d_workspace(g), out = (int64_t)g->chunk * g->k * g->out_h * g->out_w;
    /* each factor is below 2^31 and chunk*out_h*out_w <= C4J_MAX_EXTENT (geom_ok): no overflow */
    return conv > INT64_MAX - out ? -1 : conv + out;
}

int c4j_conv2d_forward_pool(const c4j_conv_geom *g, const c4j_pool_geom *pg, int32_t n_begin, int32_t n_end,
                            const float *x, const float *w, const float *packed, int64_t packed_len,
                            int32_t packed_layout, const float *b, float *y_pool, int32_t *argmax,
                            float *workspace, int64_t workspace_len) {
    if (!range_ok(g, n_begin, n_end) || !pg || !x || !w || !y_pool || !argmax || !workspace) return C4J_EBADARG;
    /* the pooling reads exactly the convolution's output planes, every image's */
    if (pg->c != 1 || pg->h != g->out_h || pg->w != g->out_w || (int64_t)pg->n != (int64_t)g->n * g->k)
        return C4J_EBADARG;
    const int64_t need = c4j_conv2d_pool_workspace(g);
    if (need < 0) return C4J_EBADARG;
    if (workspace_len < need) return C4J_EWORKSPACE;
    const int64_t conv_ws = c4j_conv2d_workspace(g), pooled_image = (int64_t)g->k * pg->out_h * pg->out_w;
    float *out = workspace + conv_ws;
    for (int32_t n0 = n_begin; n0 < n_end; n0 += g->chunk) {
        const int32_t nb = n_end - n0 < g->chunk ? n_end - n0 : g->chunk;
        /* the chunk as a batch of its own, x at its first image, its output at the workspace's end:
         * the same images per product as the forward's own chunks, so the same bits (checked by
         * ConvPoolFusionTest on both kernel paths); its workspace is at most g's (chunk <= g's) */
        c4j_conv_geom cg = *g;
        cg.n = nb;
        cg.chunk = nb;
        /* the path g's forward takes: a smaller chunk may fit the fast path where g's does not */
        cg.path_fwd = use_fast(g, g->path_fwd) ? C4J_PATH_FAST : C4J_PATH_PORTABLE;
        int rc = forward(&cg, 0, nb, x + (int64_t)n0 * g->c * g->h * g->w, w,
                         packed_usable(&cg, packed, packed_len, packed_layout) ? packed : NULL, b, out, workspace, conv_ws);
        if (rc != C4J_OK) return rc;
        c4j_pool_geom cp = *pg;
        cp.n = nb * g->k;
        rc = c4j_maxpool2d_forward(&cp, 0, cp.n, out, y_pool + (int64_t)n0 * pooled_image, argmax + (int64_t)n0 * pooled_image);
        if (rc != C4J_OK) return rc;
    }
    return C4J_OK;
}

/* The portable backward of whichever of dx, dw, db are not NULL. */
static void portable_backward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                              const float *w, const float *dy, float *dx, float *dw, float *db, float *workspace) {
    const layout l = layout_of(g);
    const int pointwise = is_pointwise(g);
    if (db) {
        for (int64_t nk = (int64_t)n_begin * g->k; nk < (int64_t)n_end * g->k; ++nk) {
            const float *row = dy + nk * l.pq;
            float sum = 0.0f;
            for (int64_t i = 0; i < l.pq; ++i) sum += row[i];
            db[nk % g->k] += sum;
        }
    }
    if (dx && !pointwise)
        memset(dx + (int64_t)n_begin * g->c * l.hw, 0, (size_t)((int64_t)(n_end - n_begin) * g->c * l.hw) * sizeof(float));
    for (int32_t n0 = n_begin; n0 < n_end; n0 += g->chunk) {
        int32_t nb = n_end - n0 < g->chunk ? n_end - n0 : g->chunk;
        for (int32_t grp = 0; grp < g->groups; ++grp) {
            const float *wg = w + grp * l.kg * l.rows;
            float *dwg = dw ? dw + grp * l.kg * l.rows : 0;
            if (pointwise) {
                for (int32_t i = 0; i < nb; ++i) {
                    const float *xi = x + ((int64_t)(n0 + i) * g->c + (int64_t)grp * l.cg) * l.hw;
                    const float *dyi = dy + ((int64_t)(n0 + i) * g->k + (int64_t)grp * l.kg) * l.pq;
                    if (dwg)
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, l.kg, (int)l.rows, (int)l.pq,
                                    1.0f, dyi, (int)l.pq, xi, (int)l.pq, 1.0f, dwg, (int)l.rows);
                    if (dx)
                        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)l.rows, (int)l.pq, l.kg,
                                    1.0f, wg, (int)l.rows, dyi, (int)l.pq, 0.0f,
                                    dx + ((int64_t)(n0 + i) * g->c + (int64_t)grp * l.cg) * l.hw, (int)l.pq);
                }
                continue;
            }
            float *col = workspace;
            const int width = (int)(nb * l.pq);
            /* dy of this chunk and group as a [Kg][nb*pq] matrix: in place for one image. */
            const float *dym = dy + ((int64_t)n0 * g->k + (int64_t)grp * l.kg) * l.pq;
            if (nb > 1) {
                float *tmp = col + l.rows * g->chunk * l.pq;
                gather(&l, dy, n0, nb, grp, tmp, 1);
                dym = tmp;
            }
            if (dwg) {
                lower(&l, x, n0, nb, grp, col);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, l.kg, (int)l.rows, width, 1.0f,
                            dym, width, col, width, 1.0f, dwg, (int)l.rows);
            }
            if (dx) {
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)l.rows, width, l.kg, 1.0f,
                            wg, (int)l.rows, dym, width, 0.0f, col, width);
                fold(&l, col, n0, nb, grp, dx);
            }
        }
    }
}

/* dw and db follow path_dw, dx path_dx. Where they differ, each path runs over the range for its
 * own gradients only: one after the other on the same workspace (sized for both), and each reads
 * dy again, which costs less than the slower path would. */
int c4j_conv2d_backward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                        const float *w, const float *dy, float *dx, float *dw, float *db,
                        float *workspace, int64_t workspace_len) {
    if (!range_ok(g, n_begin, n_end)) return C4J_EBADARG;
    if (workspace_len < c4j_conv2d_workspace(g)) return C4J_EWORKSPACE;
    const int fast_dw = use_fast(g, g->path_dw), fast_dx = use_fast(g, g->path_dx);
#if C4J_HAVE_AVX2
    if ((fast_dw && (dw || db)) || (fast_dx && dx))
        c4j_conv_fast_backward(g, n_begin, n_end, x, w, dy, fast_dx ? dx : NULL, fast_dw ? dw : NULL,
                               fast_dw ? db : NULL, workspace);
#endif
    if ((!fast_dw && (dw || db)) || (!fast_dx && dx))
        portable_backward(g, n_begin, n_end, x, w, dy, fast_dx ? NULL : dx, fast_dw ? NULL : dw,
                          fast_dw ? NULL : db, workspace);
    return C4J_OK;
}

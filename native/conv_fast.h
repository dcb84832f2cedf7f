/* conv_fast.h — internal: the convolution on conv4j's own GEMM, used by conv.c where c4j_fast()
 * is 1. Its plan (conv_fast_plan.c) is portable and serves every platform; its passes
 * (conv_fast_avx2.c) are an AVX2 unit, on x86-64 only (cpu.h). Geometry and ranges are checked
 * by conv.c before these run. */
#ifndef CONV4J_CONV_FAST_H
#define CONV4J_CONV_FAST_H

#include <stdint.h>
#include "conv4j.h"

/* Sizes of one group, and where each scratch area (sized for g->chunk images) lies in the
 * workspace (conv_fast_plan.c). */
typedef struct {
    const c4j_conv_geom *g;
    int32_t cg, kg;
    int64_t rs, pq, hw, rows; /* taps per channel, output plane, input plane, taps (cg*r*s) */
    int64_t hp, wp;           /* padded input: every row/column some window reads */
    int64_t mh, mw, hq, wq;   /* padded dy of the phased input gradient: margins, size */
    int32_t block;            /* channels per block of the strided input gradient */
    int flipped;              /* the input gradient as the flipped correlation, per phase of the strides */
    int row_dw;               /* dwv is there: the weight gradient may run by pixel rows
                                 (conv_fast_kernel.h's row_weight_grad decides per ISA) */
    int direct_dx;            /* ... as conv_direct_kernel.h's (one channel, stride 1) */
    int64_t xplane, dyplane; /* floats of one image's padded input (one group), padded dy */
    int64_t xrows, xshift;    /* one channel: rows of a shifted plane, floats of one image's planes */
    float *wt, *wflip, *xpad, *tmp, *dwt, *dypad, *col, *dwv, *phase, *xsh;
    int32_t *pix, *tap, *pix2, *tap2;
} c4j_conv_plan;

/* The geometries conv_direct_kernel.h runs instead of the GEMM: one input channel, one group,
 * stride 1 along the row (its forward and weight gradient; its input gradient at stride 1 both
 * ways). The plan and both units ask this one predicate. */
/* Phases of the stride along an axis of `in` pixels (the phased input gradient's): one per offset
 * modulo the stride, but none past the plane's pixels (a stride above the input). The plan sizes
 * its phase area by it and the kernel walks the phases by it: the two must agree. */
static inline int64_t c4j_stride_phases(int32_t stride, int32_t in) { return stride < in ? stride : in; }

static inline int c4j_conv_one_channel(const c4j_conv_geom *g) {
    return g->c == 1 && g->groups == 1 && g->stride_w == 1;
}

/* Sizes and, when ws is not NULL, the scratch areas carved from it; returns the floats used.
 * Only for geometries c4j_conv_fast_fits accepts: its bounds keep every product there in int64
 * and every table value in int32. */
int64_t c4j_conv_fast_plan(const c4j_conv_geom *g, float *ws, c4j_conv_plan *p);

/* Lanes of the widest vector any unit runs (AVX-512's 16): the size of one partial sum in dwv. */
#define C4J_CONV_MAX_LANES 16

/* 1 if the padded planes of this geometry are small enough for int32 offsets. */
int c4j_conv_fast_fits(const c4j_conv_geom *g);

/* Floats of workspace the two passes below need. */
int64_t c4j_conv_fast_workspace(const c4j_conv_geom *g);

/* The passes: call only where the AVX2 kernels may run (c4j_fast_kernels_available()), under
 * #if C4J_HAVE_AVX2. These two (conv_fast_plan.c) run the AVX-512 units where c4j_avx512() is 1,
 * else the AVX2 ones; the workspace is the same for both. */
/* W packed as the forward reads it (K x C/groups x R x S floats into wt, or nothing when wt is
 * NULL): returns the layout, the panel width of the ISA that runs (16 on AVX2, 32 on AVX-512),
 * or 0 where the forward reads W itself and packs nothing. */
int32_t c4j_conv_fast_pack(const c4j_conv_geom *g, const float *w, float *wt);

/* packed: W as c4j_conv_fast_pack wrote it for the layout that runs now, or NULL to pack it into
 * the workspace here. */
void c4j_conv_fast_forward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                           const float *w, const float *packed, const float *b, float *y, float *workspace);

/* dx (if not NULL) is overwritten for the images [n_begin, n_end); dw and db are added to. */
void c4j_conv_fast_backward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                            const float *w, const float *dy, float *dx, float *dw, float *db,
                            float *workspace);

/* The same passes per ISA (conv_fast_avx2.c, conv_fast_avx512.c). */
int32_t c4j_conv_fast_pack_avx2(const c4j_conv_geom *g, const float *w, float *wt);
void c4j_conv_fast_forward_avx2(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                                const float *w, const float *packed, const float *b, float *y, float *workspace);
void c4j_conv_fast_backward_avx2(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                                 const float *w, const float *dy, float *dx, float *dw, float *db,
                                 float *workspace);
int32_t c4j_conv_fast_pack_avx512(const c4j_conv_geom *g, const float *w, float *wt);
void c4j_conv_fast_forward_avx512(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                                  const float *w, const float *packed, const float *b, float *y, float *workspace);
void c4j_conv_fast_backward_avx512(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                                   const float *w, const float *dy, float *dx, float *dw, float *db,
                                   float *workspace);

#endif

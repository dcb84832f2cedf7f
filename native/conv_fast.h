/* conv_fast.h — internal: the convolution on conv4j's own GEMM (conv_fast.c), used by conv.c
 * where c4j_fast() is 1. Geometry and ranges are checked by conv.c before these run. */
#ifndef CONV4J_CONV_FAST_H
#define CONV4J_CONV_FAST_H

#include "conv4j.h"

/* 1 if the padded planes of this geometry are small enough for int32 offsets. */
int c4j_conv_fast_fits(const c4j_conv_geom *g);

/* Floats of workspace the two passes below need. */
int64_t c4j_conv_fast_workspace(const c4j_conv_geom *g);

void c4j_conv_fast_forward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                           const float *w, const float *b, float *y, float *workspace);

/* dx (if not NULL) is overwritten for the images [n_begin, n_end); dw and db are added to. */
void c4j_conv_fast_backward(const c4j_conv_geom *g, int32_t n_begin, int32_t n_end, const float *x,
                            const float *w, const float *dy, float *dx, float *dw, float *db,
                            float *workspace);

#endif

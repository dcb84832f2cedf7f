/* conv_direct_kernel.h — internal: the forward and weight gradient of a one-channel convolution
 * (a grey image's first layer) computed directly from the padded image, with no GEMM.
 *
 * With one input channel the GEMM of conv_fast_kernel.h is only R*S deep (25 for 5x5): each
 * output pixel's 25 FMAs are fewer instructions than storing it pixel-major, transposing it to
 * NCHW and reading it back, so that route runs at about half the speed of the deeper layers.
 * Here vectors run along an output row instead, which is a run of contiguous input columns when
 * the horizontal stride is 1:
 *   forward      y[k][p][q..q+VW)  = b[k] + sum over (i, j) w[k][i][j] * xpad[row(p, i)][q + j*dil_w ..]
 *                a tile of 2 rows x 2 vectors x FWD_KB channels (AVX-512: 6, 24 accumulators): per
 *                tap 4 loads of the image and 6 broadcast weights feed 24 FMAs, and the tile is
 *                stored straight into NCHW with the bias and the fused ReLU;
 *   weight grad  dw[k][i][j]      += sum over (n, p, q) dy[n][k][p][q] * xpad[n][row(p, i)][q + j*dil_w]
 *                a tile of DW_KB channels x 5 taps of one kernel row (AVX-512: 4, 20 accumulators)
 *                over the chunk's images, one vector of a row at a time (4 + 5 loads, 20 FMAs),
 *                summed across lanes once per tile and chunk;
 * with row(p, i) = p*stride_h + i*dil_h in the plan's padded copy (hp x wp). Every vector is
 * masked to the lanes q < out_w: the image loads then stay inside their padded row, whose width
 * is out_w + (s - 1)*dil_w. The input gradient at stride 1 is direct too (direct_input_grad,
 * below, from dy itself); with a vertical stride it keeps conv_fast_kernel.h's lowered route.
 *
 * Included by conv_fast_kernel.h (after pad_planes and pad_chunk), in each ISA's unit, which defines first VW,
 * FWD_KB, DW_KB, DX_RB, the types dvec and dmask and the D_* operations below. */

/* Rows of a forward tile and taps of a weight-gradient tile; their channels, FWD_KB (at most 6)
 * and DW_KB (at most 4), and the rows of an input-gradient tile, DX_RB (at most 8), are the
 * unit's: as many as its vector registers hold. */
enum { FWD_RB = 2, DW_JB = 5 };

/* The direct passes run this geometry: one input channel, one group, horizontal stride 1. */
static int direct_fits(const c4j_conv_geom *g) { return g->c == 1 && g->groups == 1 && g->stride_w == 1; }

/* Rows 0 and 1 of channel kk of a forward tile: the tap's weight times the image vectors. */
#define FWD_FMA(kk)                                                     \
    if (kb > kk) {                                                      \
        const dvec wk = D_BCAST(wt + kk * rs);                          \
        lo0##kk = D_FMA(x0lo, wk, lo0##kk);                             \
        hi0##kk = D_FMA(x0hi, wk, hi0##kk);                             \
        if (rb > 1) {                                                   \
            lo1##kk = D_FMA(x1lo, wk, lo1##kk);                         \
            hi1##kk = D_FMA(x1hi, wk, hi1##kk);                         \
        }                                                               \
    }
#define FWD_STORE(r, kk)                                                                    \
    if (rb > r && kb > kk) {                                                                \
        float *row = y + (int64_t)kk * pq + (int64_t)r * g->out_w;                          \
        const dvec bias = b ? D_BCAST(b + kk) : D_ZERO();                                   \
        dvec lo = D_ADD(lo##r##kk, bias), hi = D_ADD(hi##r##kk, bias);                      \
        if (g->relu) { lo = D_MAX(lo, D_ZERO()); hi = D_MAX(hi, D_ZERO()); } /* NaN gives 0 */ \
        D_STOREM(row, m0, lo);                                                              \
        D_STOREM(row + VW, m1, hi);                                                         \
    }

/* Output rows p, p+1 (rb of them), columns q0.. (2 VW, masked by m0, m1), channels k.. (kb) of
 * one image: xp its padded copy, w and b (b may be NULL) at channel k, y at (k, p, q0). rb and kb
 * are constants after inlining, so the accumulators stay in registers. */
C4J_INLINE void fwd_tile(const int rb, const int kb, const c4j_conv_geom *g, int64_t wp, int64_t pq,
                         const float *xp, const float *w, const float *b, float *y, dmask m0, dmask m1) {
    dvec lo00 = D_ZERO(), hi00 = lo00, lo01 = lo00, hi01 = lo00, lo02 = lo00, hi02 = lo00, lo03 = lo00,
         hi03 = lo00, lo04 = lo00, hi04 = lo00, lo05 = lo00, hi05 = lo00, lo10 = lo00, hi10 = lo00,
         lo11 = lo00, hi11 = lo00, lo12 = lo00, hi12 = lo00, lo13 = lo00, hi13 = lo00, lo14 = lo00,
         hi14 = lo00, lo15 = lo00, hi15 = lo00;
    const int64_t rs = (int64_t)g->r * g->s, next = (int64_t)g->stride_h * wp;
    for (int32_t i = 0; i < g->r; ++i)
        for (int32_t j = 0; j < g->s; ++j) {
            const float *x0 = xp + (int64_t)i * g->dil_h * wp + (int64_t)j * g->dil_w, *wt = w + (int64_t)i * g->s + j;
            const dvec x0lo = D_LOADM(x0, m0), x0hi = D_LOADM(x0 + VW, m1);
            const dvec x1lo = rb > 1 ? D_LOADM(x0 + next, m0) : x0lo, x1hi = rb > 1 ? D_LOADM(x0 + next + VW, m1) : x0hi;
            FWD_FMA(0) FWD_FMA(1) FWD_FMA(2) FWD_FMA(3) FWD_FMA(4) FWD_FMA(5)
        }
    FWD_STORE(0, 0) FWD_STORE(0, 1) FWD_STORE(0, 2) FWD_STORE(0, 3) FWD_STORE(0, 4) FWD_STORE(0, 5)
    FWD_STORE(1, 0) FWD_STORE(1, 1) FWD_STORE(1, 2) FWD_STORE(1, 3) FWD_STORE(1, 4) FWD_STORE(1, 5)
}

/* fwd_tile with kb as a constant. */
C4J_INLINE void fwd_tiles(const int rb, int kb, const c4j_conv_geom *g, int64_t wp, int64_t pq, const float *xp,
                          const float *w, const float *b, float *y, dmask m0, dmask m1) {
    switch (kb) {
    case 6: fwd_tile(rb, 6, g, wp, pq, xp, w, b, y, m0, m1); break;
    case 5: fwd_tile(rb, 5, g, wp, pq, xp, w, b, y, m0, m1); break;
    case 4: fwd_tile(rb, 4, g, wp, pq, xp, w, b, y, m0, m1); break;
    case 3: fwd_tile(rb, 3, g, wp, pq, xp, w, b, y, m0, m1); break;
    case 2: fwd_tile(rb, 2, g, wp, pq, xp, w, b, y, m0, m1); break;
    default: fwd_tile(rb, 1, g, wp, pq, xp, w, b, y, m0, m1); break;
    }
}

/* y of images [n_begin, n_end), one at a time through the plan's padded copy. */
static void direct_forward(const c4j_conv_plan *p, int32_t n_begin, int32_t n_end, const float *x, const float *w,
                           const float *b, float *y) {
    const c4j_conv_geom *g = p->g;
    for (int32_t n = n_begin; n < n_end; ++n) {
        pad_chunk(p, x, n, 1, 0);
        float *yn = y + (int64_t)n * g->k * p->pq;
        for (int32_t k = 0; k < g->k; k += FWD_KB) {
            const int kb = g->k - k < FWD_KB ? g->k - k : FWD_KB;
            for (int32_t r = 0; r < g->out_h; r += FWD_RB) {
                const float *xr = p->xpad + (int64_t)r * g->stride_h * p->wp;
                float *yr = yn + (int64_t)k * p->pq + (int64_t)r * g->out_w;
                for (int32_t q = 0; q < g->out_w; q += 2 * VW) {
                    const dmask m0 = D_MASK(g->out_w - q), m1 = D_MASK(g->out_w - q - VW);
                    const float *bk = b ? b + k : NULL;
                    if (g->out_h - r >= 2)
                        fwd_tiles(2, kb, g, p->wp, p->pq, xr + q, w + (int64_t)k * p->rs, bk, yr + q, m0, m1);
                    else
                        fwd_tiles(1, kb, g, p->wp, p->pq, xr + q, w + (int64_t)k * p->rs, bk, yr + q, m0, m1);
                }
            }
        }
    }
}

/* Tap jj of channel kk of a weight-gradient tile. */
#define DW_FMA(kk, jj) if (kb > kk && jb > jj) acc##kk##jj = D_FMA(d##kk, x##jj, acc##kk##jj);
#define DW_ROW(kk) DW_FMA(kk, 0) DW_FMA(kk, 1) DW_FMA(kk, 2) DW_FMA(kk, 3) DW_FMA(kk, 4)
#define DW_LOAD_X(jj) const dvec x##jj = jb > jj ? D_LOADM(xr + (int64_t)jj * g->dil_w, m) : D_ZERO();
#define DW_LOAD_DY(kk) const dvec d##kk = kb > kk ? D_LOADM(dr + (int64_t)kk * p->pq, m) : D_ZERO();
#define DW_ADD(kk, jj) if (kb > kk && jb > jj) dw[(int64_t)kk * p->rs + jj] += D_SUM(acc##kk##jj);
#define DW_ADD_ROW(kk) DW_ADD(kk, 0) DW_ADD(kk, 1) DW_ADD(kk, 2) DW_ADD(kk, 3) DW_ADD(kk, 4)

/* dw[k..k+kb)[i][j0..j0+jb) += the products over nb images (xpad their padded copies, dy at
 * channel k of image 0): dw at (k, i, j0). kb and jb are constants after inlining. */
C4J_INLINE void dw_tile(const int kb, const int jb, const c4j_conv_plan *p, int32_t nb, int32_t i, int32_t j0,
                        const float *dy, float *dw) {
    const c4j_conv_geom *g = p->g;
    dvec acc00 = D_ZERO(), acc01 = acc00, acc02 = acc00, acc03 = acc00, acc04 = acc00, acc10 = acc00,
         acc11 = acc00, acc12 = acc00, acc13 = acc00, acc14 = acc00, acc20 = acc00, acc21 = acc00,
         acc22 = acc00, acc23 = acc00, acc24 = acc00, acc30 = acc00, acc31 = acc00, acc32 = acc00,
         acc33 = acc00, acc34 = acc00;
    for (int32_t n = 0; n < nb; ++n) {
        const float *xn = p->xpad + n * p->xplane + (int64_t)i * g->dil_h * p->wp + (int64_t)j0 * g->dil_w;
        const float *dn = dy + (int64_t)n * g->k * p->pq;
        for (int32_t r = 0; r < g->out_h; ++r)
            for (int32_t q = 0; q < g->out_w; q += VW) {
                const dmask m = D_MASK(g->out_w - q);
                const float *xr = xn + (int64_t)r * g->stride_h * p->wp + q, *dr = dn + (int64_t)r * g->out_w + q;
                DW_LOAD_X(0) DW_LOAD_X(1) DW_LOAD_X(2) DW_LOAD_X(3) DW_LOAD_X(4)
                DW_LOAD_DY(0) DW_LOAD_DY(1) DW_LOAD_DY(2) DW_LOAD_DY(3)
                DW_ROW(0) DW_ROW(1) DW_ROW(2) DW_ROW(3)
            }
    }
    DW_ADD_ROW(0) DW_ADD_ROW(1) DW_ADD_ROW(2) DW_ADD_ROW(3)
}

/* dw_tile with jb as a constant. */
C4J_INLINE void dw_tiles(const int kb, int jb, const c4j_conv_plan *p, int32_t nb, int32_t i, int32_t j0,
                         const float *dy, float *dw) {
    switch (jb) {
    case 5: dw_tile(kb, 5, p, nb, i, j0, dy, dw); break;
    case 4: dw_tile(kb, 4, p, nb, i, j0, dy, dw); break;
    case 3: dw_tile(kb, 3, p, nb, i, j0, dy, dw); break;
    case 2: dw_tile(kb, 2, p, nb, i, j0, dy, dw); break;
    default: dw_tile(kb, 1, p, nb, i, j0, dy, dw); break;
    }
}

/* dw += the weight gradient of images n0.. (nb <= chunk of them), padded here into the plan's copies. */
static void direct_weight_grad(const c4j_conv_plan *p, const float *x, const float *dy, int32_t n0, int32_t nb, float *dw) {
    const c4j_conv_geom *g = p->g;
    pad_chunk(p, x, n0, nb, 0);
    const float *dyn = dy + (int64_t)n0 * g->k * p->pq;
    for (int32_t k = 0; k < g->k; k += DW_KB) {
        const int kb = g->k - k < DW_KB ? g->k - k : DW_KB;
        for (int32_t i = 0; i < g->r; ++i)
            for (int32_t j = 0; j < g->s; j += DW_JB) {
                const int jb = g->s - j < DW_JB ? g->s - j : DW_JB;
                const float *dk = dyn + (int64_t)k * p->pq;
                float *dwk = dw + (int64_t)k * p->rs + (int64_t)i * g->s + j;
                switch (kb) {
                case 4: dw_tiles(4, jb, p, nb, i, j, dk, dwk); break;
                case 3: dw_tiles(3, jb, p, nb, i, j, dk, dwk); break;
                case 2: dw_tiles(2, jb, p, nb, i, j, dk, dwk); break;
                default: dw_tiles(1, jb, p, nb, i, j, dk, dwk); break;
                }
            }
    }
}

/* The input gradient of a one-channel convolution of stride 1 (the plan's direct_dx): the
 * flipped correlation of dy with W summed over the output channels, straight into dx:
 *   dx[y][x..x+VW) = sum over (k, i, j) w[k][i][j] * dy[k][y + pad_h - i*dil_h][x + pad_w - j*dil_w ..]
 * read from dy itself: a padded copy of dy (32 planes of 34 short rows for 28x28 5x5, three
 * memset/memcpy calls a row) cost a quarter of the pass. Columns outside dy are masked off per
 * tap column j (with the lanes past dx's row), rows outside it read the plan's zero row. A tile
 * is rb <= DX_RB rows x 2 vectors of dx in accumulators, over every (k, j) and the kernel's rows
 * i in blocks of ib <= DX_IB taps: with dil_h 1 the block's taps of the tile's rows read only
 * rb + ib - 1 rows of dy, each loaded once (2 vectors) and fed to every tile row it is a tap of,
 * against ib broadcast weights (AVX-512, rb 7, ib 5: 22 loads for 70 FMAs, where one load per
 * FMA would be the forward's route for a single output channel). With dil_h > 1 the taps' rows
 * do not overlap and blocks are single taps. The rows are split into even tiles (28 as 4 x 7,
 * not 8 + 8 + 8 + 4): a short tile is a short chain of FMAs per accumulator between loads, and
 * runs at the FMAs' latency. Unlike the lowered route (a 32-deep GEMM of W^T and dy, then
 * col2im adding 25 columns into each pixel) nothing is written but dx, once. */
enum { DX_IB = 5 };

/* ib, rb and the tap row ii of tile row yy for dy row t are constants after inlining. */
#define DX_WSEL(ii) ((ii) == 0 ? w0 : (ii) == 1 ? w1 : (ii) == 2 ? w2 : (ii) == 3 ? w3 : w4)
#define DX_W(ii) const dvec w##ii = ib > ii ? D_BCAST(wk + (int64_t)ii * g->s) : D_ZERO();
#define DX_FMA(t, yy)                                                          \
    if (rb > yy && (yy) + ib - 1 - (t) >= 0 && (yy) + ib - 1 - (t) < ib) {     \
        lo##yy = D_FMA(vlo, DX_WSEL((yy) + ib - 1 - (t)), lo##yy);             \
        hi##yy = D_FMA(vhi, DX_WSEL((yy) + ib - 1 - (t)), hi##yy);             \
    }
#define DX_ROW(t)                                                                                \
    if (rb + ib - 1 > t) {                                                                       \
        const int64_t py = p0 + t;                                                               \
        const float *row = (uint64_t)py < (uint64_t)g->out_h ? dk + py * g->out_w : zk;          \
        const dvec vlo = D_LOADM(row, m0), vhi = D_LOADM(row + VW, m1);                          \
        DX_FMA(t, 0) DX_FMA(t, 1) DX_FMA(t, 2) DX_FMA(t, 3) DX_FMA(t, 4) DX_FMA(t, 5) DX_FMA(t, 6) DX_FMA(t, 7) \
    }
/* Taps i0..i0+IB of tap column j of channel k: dy row t of the block, p0 + t, is tile row yy's
 * tap i0 + yy - t + IB - 1 (dil_h 1 when IB > 1). */
#define DX_BLOCK(IB)                                                                             \
    {                                                                                            \
        const int ib = IB;                                                                       \
        const int64_t p0 = y0 + g->pad_h - (int64_t)i0 * g->dil_h - (ib - 1);                    \
        const float *wk = w + (int64_t)k * p->rs + (int64_t)i0 * g->s + j;                        \
        DX_W(0) DX_W(1) DX_W(2) DX_W(3) DX_W(4)                                                  \
        DX_ROW(0) DX_ROW(1) DX_ROW(2) DX_ROW(3) DX_ROW(4) DX_ROW(5)                              \
        DX_ROW(6) DX_ROW(7) DX_ROW(8) DX_ROW(9) DX_ROW(10) DX_ROW(11)                            \
    }
#define DX_STORE(yy)                                                  \
    if (rb > yy) {                                                    \
        D_STOREM(dx + (int64_t)yy * g->w, mx0, lo##yy);               \
        D_STOREM(dx + (int64_t)yy * g->w + VW, mx1, hi##yy);          \
    }

/* dx rows y0..y0+rb, columns x0..x0+2 VW of one image (dyn its dy, zero a row of out_w zeros),
 * dx at (y0, x0). */
C4J_INLINE void dx_tile(const int rb, const c4j_conv_plan *p, const float *dyn, const float *zero, int32_t y0,
                        int32_t x0, const float *w, float *dx) {
    const c4j_conv_geom *g = p->g;
    dvec lo0 = D_ZERO(), hi0 = lo0, lo1 = lo0, hi1 = lo0, lo2 = lo0, hi2 = lo0, lo3 = lo0, hi3 = lo0, lo4 = lo0,
         hi4 = lo0, lo5 = lo0, hi5 = lo0, lo6 = lo0, hi6 = lo0, lo7 = lo0, hi7 = lo0;
    const int64_t width = g->w - x0; /* lanes of dx's row from x0 */
    const dmask mx0 = D_MASK(width), mx1 = D_MASK(width - VW);
    const int32_t whole = g->dil_h == 1 ? g->r / DX_IB * DX_IB : 0, rest = g->dil_h == 1 ? g->r - whole : 0;
    for (int32_t j = 0; j < g->s; ++j) {
        /* lane l reads dy column q0 + l: only where that is in [0, out_w) and x0 + l in dx's row */
        const int64_t q0 = (int64_t)x0 + g->pad_w - (int64_t)j * g->dil_w;
        const int64_t below = -q0, end = g->out_w - q0 < width ? g->out_w - q0 : width;
        const dmask m0 = D_ANDNOT(D_MASK(below), D_MASK(end)), m1 = D_ANDNOT(D_MASK(below - VW), D_MASK(end - VW));
        const float *zk = zero + q0; /* lanes read only columns in [0, out_w), as for dk */
        for (int32_t k = 0; k < g->k; ++k) {
            const float *dk = dyn + (int64_t)k * p->pq + q0;
            int32_t i0 = 0;
            for (; i0 < whole; i0 += DX_IB) DX_BLOCK(DX_IB)
            switch (rest) {
            case 4: DX_BLOCK(4) break;
            case 3: DX_BLOCK(3) break;
            case 2: DX_BLOCK(2) break;
            case 1: DX_BLOCK(1) break;
            default: /* dil_h > 1: one tap a block */
                for (; i0 < g->r; ++i0) DX_BLOCK(1)
            }
        }
    }
    DX_STORE(0) DX_STORE(1) DX_STORE(2) DX_STORE(3) DX_STORE(4) DX_STORE(5) DX_STORE(6) DX_STORE(7)
}

/* dx of images n0.. (nb of them), overwritten: tiles of rb rows, the rows split evenly. */
static void direct_input_grad(const c4j_conv_plan *p, const float *w, const float *dy, int32_t n0, int32_t nb,
                              float *dx) {
    const c4j_conv_geom *g = p->g;
    memset(p->dypad, 0, (size_t)g->out_w * sizeof(float)); /* the zero row */
    const int32_t tiles = (g->h + DX_RB - 1) / DX_RB, rb = (g->h + tiles - 1) / tiles;
    for (int32_t n = n0; n < n0 + nb; ++n) {
        const float *dyn = dy + (int64_t)n * g->k * p->pq;
        float *dxn = dx + (int64_t)n * p->hw;
        for (int32_t y = 0; y < g->h; y += rb) {
            const int rows = g->h - y < rb ? g->h - y : rb;
            for (int32_t x = 0; x < g->w; x += 2 * VW) {
                float *out = dxn + (int64_t)y * g->w + x;
                switch (rows) {
                case 8: dx_tile(8, p, dyn, p->dypad, y, x, w, out); break;
                case 7: dx_tile(7, p, dyn, p->dypad, y, x, w, out); break;
                case 6: dx_tile(6, p, dyn, p->dypad, y, x, w, out); break;
                case 5: dx_tile(5, p, dyn, p->dypad, y, x, w, out); break;
                case 4: dx_tile(4, p, dyn, p->dypad, y, x, w, out); break;
                case 3: dx_tile(3, p, dyn, p->dypad, y, x, w, out); break;
                case 2: dx_tile(2, p, dyn, p->dypad, y, x, w, out); break;
                default: dx_tile(1, p, dyn, p->dypad, y, x, w, out); break;
                }
            }
        }
    }
}

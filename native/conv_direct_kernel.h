/* conv_direct_kernel.h — internal: the forward and weight gradient of a one-channel convolution
 * (a grey image's first layer) computed directly from the image, with no GEMM.
 *
 * With one input channel the GEMM of conv_fast_kernel.h is only R*S deep (25 for 5x5): each
 * output pixel's 25 FMAs are fewer instructions than storing it pixel-major, transposing it to
 * NCHW and reading it back, so that route runs at about half the speed of the deeper layers.
 * Here vectors run along the output plane instead, read from shifted planes of the image: per
 * tap column j and row phase f (0 <= f < stride_h) a plane of xrows rows x out_w columns,
 *   plane(j, f)[u][q] = xpad[u*stride_h + f][q + j*dil_w]     (xpad: the zero-padded image),
 * so that tap (i, j) of output pixel t = p*out_w + q reads plane(j, (i*dil_h) % stride_h) at
 * (p + (i*dil_h) / stride_h)*out_w + q: one offset per tap (the plan's tap table, shift_taps)
 * plus t, the same for every pixel. Each tap is then a run of the whole output plane, vectors
 * full except the plane's last (784 = 49 x 16 for 28x28), where rows of 28 in 2 vectors left
 * an eighth of the lanes empty and the loops over 2 vectors a row cost more than their FMAs:
 *   forward      y[k][t..t+VW)  = b[k] + sum over taps w[k][tap] * plane_tap[t..]
 *                a tile of FWD_VB = 4 vectors x FWD_KB channels (AVX-512: 6, 24 accumulators): per
 *                tap 4 loads of the image and 6 broadcast weights feed 24 FMAs, and the tile is
 *                stored straight into NCHW with the bias and the fused ReLU;
 *   weight grad  dw[k][tap]    += sum over (n, t) dy[n][k][t] * plane_tap[n][t]
 *                a tile of DW_KB channels x DW_JB = 5 taps (AVX-512: 4, 20 accumulators) over
 *                one image (4 + 5 loads, 20 FMAs a vector), each accumulator VW per-lane
 *                partial sums kept in the plan's dwv across the chunks and summed across lanes
 *                once a call (row_weight_grad_sum), so the result does not depend on the chunk.
 * The planes are written per chunk from x itself (shift_chunk: a masked load and a store a
 * vector, zeros outside the image), 5 x 32 x 28 floats an image for 28x28 5x5: a few hundred
 * vector stores against the ~40,000 FMAs of each product. The input gradient at stride 1 is
 * direct too (direct_input_grad, below, from dy itself); with a vertical stride it keeps
 * conv_fast_kernel.h's lowered route.
 *
 * Included by conv_fast_kernel.h, in each ISA's unit, which defines first FWD_KB, DW_KB, DX_RB and
 * DX_JG and takes VW, the types dvec and dmask and the D_* operations from its avx*_vec.h. */

/* Vectors of a forward tile and taps of a weight-gradient tile; their channels, FWD_KB (at most 6)
 * and DW_KB (at most 4), and the rows of an input-gradient tile, DX_RB (at most 8), are the
 * unit's: as many as its vector registers hold. */
enum { FWD_VB = 4, DW_JB = 5 };

/* p->tap[(i*s + j)] = where tap (i, j)'s run starts in an image's shifted planes (c4j_conv_fast_fits
 * keeps the planes below 2^30 floats, so it fits int32). Once a call: two divisions a tap. */
static void shift_taps(const c4j_conv_plan *p) {
    const c4j_conv_geom *g = p->g;
    for (int64_t i = 0; i < g->r; ++i) {
        const int64_t down = i * g->dil_h, phase = down % g->stride_h, rows = down / g->stride_h;
        for (int64_t j = 0; j < g->s; ++j)
            p->tap[i * g->s + j] = (int32_t)(((j * g->stride_h + phase) * p->xrows + rows) * g->out_w);
    }
}

/* The shifted planes of images n0..n0+nb-1 of x into p->xsh, side by side (p->xshift floats an
 * image). A plane row is out_w floats stored in whole vectors, the last one spilling into the
 * next row, which is written after it (and past the last row into the area's slack). */
static void shift_chunk(const c4j_conv_plan *p, const float *x, int32_t n0, int32_t nb) {
    const c4j_conv_geom *g = p->g;
    const int64_t vecs = (g->out_w + VW - 1) / VW;
    for (int32_t n = 0; n < nb; ++n) {
        const float *xn = x + (int64_t)(n0 + n) * p->hw;
        float *out = p->xsh + n * p->xshift;
        for (int32_t j = 0; j < g->s; ++j) {
            const int64_t col = (int64_t)j * g->dil_w - g->pad_w; /* x's column under lane 0 of q = 0 */
            for (int32_t f = 0; f < g->stride_h; ++f)
                for (int64_t u = 0; u < p->xrows; ++u, out += g->out_w) {
                    const int64_t sy = u * g->stride_h + f - g->pad_h;
                    const int inside = (uint64_t)sy < (uint64_t)g->h;
                    const float *xr = xn + (inside ? sy : 0) * g->w;
                    for (int64_t v = 0; v < vecs; ++v) {
                        const int64_t c = col + v * VW; /* lanes read x's columns in [0, w) only */
                        const dmask m = D_ANDNOT(D_MASK(-c), D_MASK(g->w - c));
                        D_STORE(out + v * VW, inside ? D_LOADM(xr + c, m) : D_ZERO());
                    }
                }
        }
    }
}

/* A masked (edge) or plain (interior) load of one vector. */
#define D_LOADE(ptr, m) (masked ? D_LOADM(ptr, m) : D_LOAD(ptr))

/* Channel kk of a forward tile: the tap's weight times its vectors. */
#define FWD_FMA(kk)                                                                          \
    if (kb > kk) {                                                                           \
        const dvec wk = D_BCAST(wt + kk * rs);                                               \
        a##kk##0 = D_FMA(x0, wk, a##kk##0);                                                  \
        a##kk##1 = D_FMA(x1, wk, a##kk##1);                                                  \
        a##kk##2 = D_FMA(x2, wk, a##kk##2);                                                  \
        a##kk##3 = D_FMA(x3, wk, a##kk##3);                                                  \
    }
#define FWD_PUT(kk, v)                                                                        \
    {                                                                                         \
        dvec o = D_ADD(a##kk##v, bias);                                                       \
        if (g->relu) o = D_MAX(o, D_ZERO()); /* NaN gives 0 */                                \
        if (masked) D_STOREM(row + v * VW, m##v, o); else D_STORE(row + v * VW, o);           \
    }
#define FWD_STORE(kk)                                                                         \
    if (kb > kk) {                                                                            \
        float *row = y + (int64_t)kk * p->pq;                                                 \
        const dvec bias = b ? D_BCAST(b + kk) : D_ZERO();                                     \
        FWD_PUT(kk, 0) FWD_PUT(kk, 1) FWD_PUT(kk, 2) FWD_PUT(kk, 3)                            \
    }
#define FWD_DECL(kk) dvec a##kk##0 = D_ZERO(), a##kk##1 = a##kk##0, a##kk##2 = a##kk##0, a##kk##3 = a##kk##0;

/* Output pixels t.. (FWD_VB vectors; masked: the plane's last, by m0..m3) of channels k.. (kb)
 * of one image: xs its shifted planes at t, w and b (b may be NULL) at channel k, y at (k, t).
 * kb and masked are constants after inlining, so the accumulators stay in registers. */
C4J_INLINE void fwd_tile(const int kb, const int masked, const c4j_conv_plan *p, const float *xs, const float *w,
                         const float *b, float *y, dmask m0, dmask m1, dmask m2, dmask m3) {
    const c4j_conv_geom *g = p->g;
    FWD_DECL(0) FWD_DECL(1) FWD_DECL(2) FWD_DECL(3) FWD_DECL(4) FWD_DECL(5)
    const int64_t rs = p->rs;
    for (int64_t t = 0; t < rs; ++t) {
        const float *xt = xs + p->tap[t], *wt = w + t;
        const dvec x0 = D_LOADE(xt, m0), x1 = D_LOADE(xt + VW, m1), x2 = D_LOADE(xt + 2 * VW, m2),
                   x3 = D_LOADE(xt + 3 * VW, m3);
        FWD_FMA(0) FWD_FMA(1) FWD_FMA(2) FWD_FMA(3) FWD_FMA(4) FWD_FMA(5)
    }
    FWD_STORE(0) FWD_STORE(1) FWD_STORE(2) FWD_STORE(3) FWD_STORE(4) FWD_STORE(5)
}

/* fwd_tile with kb as a constant. */
C4J_INLINE void fwd_tiles(int kb, const int masked, const c4j_conv_plan *p, const float *xs, const float *w,
                          const float *b, float *y, dmask m0, dmask m1, dmask m2, dmask m3) {
    switch (kb) {
    case 6: fwd_tile(6, masked, p, xs, w, b, y, m0, m1, m2, m3); break;
    case 5: fwd_tile(5, masked, p, xs, w, b, y, m0, m1, m2, m3); break;
    case 4: fwd_tile(4, masked, p, xs, w, b, y, m0, m1, m2, m3); break;
    case 3: fwd_tile(3, masked, p, xs, w, b, y, m0, m1, m2, m3); break;
    case 2: fwd_tile(2, masked, p, xs, w, b, y, m0, m1, m2, m3); break;
    default: fwd_tile(1, masked, p, xs, w, b, y, m0, m1, m2, m3); break;
    }
}

/* y of images [n_begin, n_end), a chunk at a time through the plan's shifted planes: per image
 * and block of channels the plane in whole tiles, then its masked rest. */
static void direct_forward(const c4j_conv_plan *p, int32_t n_begin, int32_t n_end, const float *x, const float *w,
                           const float *b, float *y) {
    const c4j_conv_geom *g = p->g;
    const int64_t pq = p->pq, whole = pq / (FWD_VB * VW) * (FWD_VB * VW), rest = pq - whole;
    const dmask all = D_MASK(VW), m0 = D_MASK(rest), m1 = D_MASK(rest - VW), m2 = D_MASK(rest - 2 * VW),
                m3 = D_MASK(rest - 3 * VW);
    shift_taps(p);
    for (int32_t n0 = n_begin; n0 < n_end; n0 += g->chunk) {
        const int32_t nb = n_end - n0 < g->chunk ? n_end - n0 : g->chunk;
        shift_chunk(p, x, n0, nb);
        for (int32_t i = 0; i < nb; ++i) {
            const float *xs = p->xsh + i * p->xshift;
            float *yn = y + (int64_t)(n0 + i) * g->k * pq;
            for (int32_t k = 0; k < g->k; k += FWD_KB) {
                const int kb = g->k - k < FWD_KB ? g->k - k : FWD_KB;
                const float *wk = w + (int64_t)k * p->rs, *bk = b ? b + k : NULL;
                float *yk = yn + (int64_t)k * pq;
                for (int64_t t = 0; t < whole; t += FWD_VB * VW)
                    fwd_tiles(kb, 0, p, xs + t, wk, bk, yk + t, all, all, all, all);
                if (rest) fwd_tiles(kb, 1, p, xs + whole, wk, bk, yk + whole, m0, m1, m2, m3);
            }
        }
    }
}

/* Tap jj of channel kk of a weight-gradient tile. */
#define DW_FMA(kk, jj) if (kb > kk && jb > jj) acc##kk##jj = D_FMA(d##kk, x##jj, acc##kk##jj);
#define DW_ROW(kk) DW_FMA(kk, 0) DW_FMA(kk, 1) DW_FMA(kk, 2) DW_FMA(kk, 3) DW_FMA(kk, 4)
#define DW_LOAD_X(jj) const dvec x##jj = jb > jj ? D_LOADE(x##jj##p + t, m) : D_ZERO();
#define DW_LOAD_DY(kk) const dvec d##kk = kb > kk ? D_LOADE(dn + (int64_t)kk * p->pq + t, m) : D_ZERO();
#define DW_STEP                                                                              \
    {                                                                                        \
        DW_LOAD_X(0) DW_LOAD_X(1) DW_LOAD_X(2) DW_LOAD_X(3) DW_LOAD_X(4)                     \
        DW_LOAD_DY(0) DW_LOAD_DY(1) DW_LOAD_DY(2) DW_LOAD_DY(3)                              \
        DW_ROW(0) DW_ROW(1) DW_ROW(2) DW_ROW(3)                                              \
        DW_BIAS(0) DW_BIAS(1) DW_BIAS(2) DW_BIAS(3)                                          \
    }
/* The bias gradient's partial sums of channel kk (a tile of the kernel's first taps only). */
#define DW_BIAS(kk) if (bias && kb > kk) bsum##kk = D_ADD(bsum##kk, d##kk);
#define DW_BIAS_LOAD(kk) if (bias && kb > kk) bsum##kk = D_LOAD(bsums + (int64_t)(kk) * VW);
#define DW_BIAS_STORE(kk) if (bias && kb > kk) D_STORE(bsums + (int64_t)(kk) * VW, bsum##kk);
#define DW_TAP(jj) const float *x##jj##p = xs + p->tap[tap0 + (jb > jj ? jj : 0)];
#define DW_SUM_AT(kk, jj) (sums + ((int64_t)(kk) * p->rs + (jj)) * VW)
#define DW_LOAD_SUM(kk, jj) if (kb > kk && jb > jj) acc##kk##jj = D_LOAD(DW_SUM_AT(kk, jj));
#define DW_STORE_SUM(kk, jj) if (kb > kk && jb > jj) D_STORE(DW_SUM_AT(kk, jj), acc##kk##jj);
#define DW_EACH(op)                                                                          \
    op(0, 0) op(0, 1) op(0, 2) op(0, 3) op(0, 4) op(1, 0) op(1, 1) op(1, 2) op(1, 3) op(1, 4) \
    op(2, 0) op(2, 1) op(2, 2) op(2, 3) op(2, 4) op(3, 0) op(3, 1) op(3, 2) op(3, 3) op(3, 4)

/* The partial sums of taps tap0..tap0+jb of channels k..k+kb (sums: dwv at (k, tap0)) over one
 * image (xs its shifted planes, dn its dy at channel k), set when first, else added to; with
 * bias also those of db (bsums: at channel k), from the dy vectors the tile loads anyway (a
 * separate pass, add_row_sums, read all of dy again: ~10 % of this one). kb, jb and bias are
 * constants after inlining. */
C4J_INLINE void dw_tile(const int kb, const int jb, const int bias, const c4j_conv_plan *p, const float *xs,
                        int64_t tap0, const float *dn, float *sums, float *bsums, int first) {
    dvec bsum0 = D_ZERO(), bsum1 = bsum0, bsum2 = bsum0, bsum3 = bsum0;
    dvec acc00 = D_ZERO(), acc01 = acc00, acc02 = acc00, acc03 = acc00, acc04 = acc00, acc10 = acc00,
         acc11 = acc00, acc12 = acc00, acc13 = acc00, acc14 = acc00, acc20 = acc00, acc21 = acc00,
         acc22 = acc00, acc23 = acc00, acc24 = acc00, acc30 = acc00, acc31 = acc00, acc32 = acc00,
         acc33 = acc00, acc34 = acc00;
    if (!first) { DW_EACH(DW_LOAD_SUM) DW_BIAS_LOAD(0) DW_BIAS_LOAD(1) DW_BIAS_LOAD(2) DW_BIAS_LOAD(3) }
    const int64_t pq = p->pq, whole = pq / VW * VW;
    const dmask tail = D_MASK(pq - whole);
    DW_TAP(0) DW_TAP(1) DW_TAP(2) DW_TAP(3) DW_TAP(4)
    int64_t t = 0;
    {
        const int masked = 0;
        const dmask m = tail;
        for (; t < whole; t += VW) DW_STEP
    }
    if (t < pq) {
        const int masked = 1;
        const dmask m = tail;
        DW_STEP
    }
    DW_EACH(DW_STORE_SUM)
    DW_BIAS_STORE(0) DW_BIAS_STORE(1) DW_BIAS_STORE(2) DW_BIAS_STORE(3)
}

/* dw_tile with jb as a constant. */
C4J_INLINE void dw_tiles(const int kb, int jb, const int bias, const c4j_conv_plan *p, const float *xs, int64_t tap0,
                         const float *dy, float *sums, float *bsums, int first) {
    switch (jb) {
    case 5: dw_tile(kb, 5, bias, p, xs, tap0, dy, sums, bsums, first); break;
    case 4: dw_tile(kb, 4, bias, p, xs, tap0, dy, sums, bsums, first); break;
    case 3: dw_tile(kb, 3, bias, p, xs, tap0, dy, sums, bsums, first); break;
    case 2: dw_tile(kb, 2, bias, p, xs, tap0, dy, sums, bsums, first); break;
    default: dw_tile(kb, 1, bias, p, xs, tap0, dy, sums, bsums, first); break;
    }
}

/* dw_tiles with kb as a constant. */
C4J_INLINE void dw_blocks(int kb, int jb, const int bias, const c4j_conv_plan *p, const float *xs, int64_t tap0,
                          const float *dy, float *sums, float *bsums, int first) {
    switch (kb) {
    case 4: dw_tiles(4, jb, bias, p, xs, tap0, dy, sums, bsums, first); break;
    case 3: dw_tiles(3, jb, bias, p, xs, tap0, dy, sums, bsums, first); break;
    case 2: dw_tiles(2, jb, bias, p, xs, tap0, dy, sums, bsums, first); break;
    default: dw_tiles(1, jb, bias, p, xs, tap0, dy, sums, bsums, first); break;
    }
}

/* Where the bias gradient's partial sums lie in dwv, after the weights' (the plan sizes it so for
 * one channel): K vectors. */
static float *direct_bias_sums(const c4j_conv_plan *p) { return p->dwv + (int64_t)p->g->k * p->rs * VW; }

/* db's partial sums of images n0.. (nb of them) where dw is not asked for (first: the call's
 * first chunk sets them): the adds dw_tile makes, in its order, so that db has the same bits
 * whether or not dw comes with it. */
static void direct_bias_grad(const c4j_conv_plan *p, const float *dy, int32_t n0, int32_t nb, int first) {
    const c4j_conv_geom *g = p->g;
    const int64_t pq = p->pq, whole = pq / VW * VW;
    const dmask tail = D_MASK(pq - whole);
    for (int32_t k = 0; k < g->k; ++k) {
        float *bsums = direct_bias_sums(p) + (int64_t)k * VW;
        dvec sum = first ? D_ZERO() : D_LOAD(bsums);
        for (int32_t n = 0; n < nb; ++n) {
            const float *d = dy + ((int64_t)(n0 + n) * g->k + k) * pq;
            for (int64_t t = 0; t < whole; t += VW) sum = D_ADD(sum, D_LOAD(d + t));
            if (whole < pq) sum = D_ADD(sum, D_LOADM(d + whole, tail));
        }
        D_STORE(bsums, sum);
    }
}

/* db[k] += the lanes of its partial sums, once a call (as row_weight_grad_sum for dw). */
static void direct_bias_sum(const c4j_conv_plan *p, float *db) {
    const float *sums = direct_bias_sums(p);
    for (int32_t k = 0; k < p->g->k; ++k) db[k] += D_SUM(D_LOAD(sums + (int64_t)k * VW));
}

/* The weight gradient's partial sums (p->dwv, set by the call's first chunk, first) of images
 * n0.. (nb <= chunk of them), whose shifted planes are written here; the plan's tap table holds
 * shift_taps's offsets; with_db: db's too (direct_bias_sums). The caller adds the lanes of dwv
 * into dw (and db) once the call's chunks are done.
 * One image at a time through every tile: its planes (17.5 KB for 28x28 5x5) and a tile's dy
 * (4 channels, 12.5 KB) then stay in L1 across the tiles; a tile over the chunk's two images
 * (60 KB) ran from L2 at 125 GFLOP/s on one core against 200 (the dwv loads and stores a tile
 * and image are 40 against 980 FMAs). */
static void direct_weight_grad(const c4j_conv_plan *p, const float *x, const float *dy, int32_t n0, int32_t nb,
                               int with_db, int first) {
    const c4j_conv_geom *g = p->g;
    shift_chunk(p, x, n0, nb);
    for (int32_t n = 0; n < nb; ++n) {
        const float *dyn = dy + (int64_t)(n0 + n) * g->k * p->pq, *xs = p->xsh + n * p->xshift;
        const int set = first && n == 0;
        for (int32_t k = 0; k < g->k; k += DW_KB) {
            const int kb = g->k - k < DW_KB ? g->k - k : DW_KB;
            const float *dk = dyn + (int64_t)k * p->pq;
            float *bsums = direct_bias_sums(p) + (int64_t)k * VW;
            for (int64_t t = 0; t < p->rs; t += DW_JB) {
                const int jb = p->rs - t < DW_JB ? (int)(p->rs - t) : DW_JB;
                float *sums = p->dwv + ((int64_t)k * p->rs + t) * VW;
                if (with_db && t == 0) dw_blocks(kb, jb, 1, p, xs, t, dk, sums, bsums, set);
                else dw_blocks(kb, jb, 0, p, xs, t, dk, sums, bsums, set);
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
    /* channels outside, the unit's DX_JG tap columns inside (masks computed once a tile): on
     * AVX-512 the rows of dy channel k a tile reads (11 x 2 vectors) serve its 5 tap columns from
     * L1, where the columns outside read all of one image's dy (100 KB for 32 channels of 28x28)
     * once per column (0.30 -> 0.27 ms per 32 images on one core); DX_JG 1 is the columns-outside
     * order, which AVX2's 4-row tiles keep: measured 3-4 % faster there than 8 (0.58 / 0.60 ms) */
    for (int32_t j0 = 0; j0 < g->s; j0 += DX_JG) {
        const int32_t jn = g->s - j0 < DX_JG ? g->s - j0 : DX_JG;
        int64_t q0s[DX_JG];
        dmask m0s[DX_JG], m1s[DX_JG];
        for (int32_t jj = 0; jj < jn; ++jj) {
            /* lane l reads dy column q0 + l: only where that is in [0, out_w) and x0 + l in dx's row */
            const int64_t q0 = q0s[jj] = (int64_t)x0 + g->pad_w - (int64_t)(j0 + jj) * g->dil_w;
            const int64_t below = -q0, end = g->out_w - q0 < width ? g->out_w - q0 : width;
            m0s[jj] = D_ANDNOT(D_MASK(below), D_MASK(end));
            m1s[jj] = D_ANDNOT(D_MASK(below - VW), D_MASK(end - VW));
        }
        for (int32_t k = 0; k < g->k; ++k)
            for (int32_t jj = 0; jj < jn; ++jj) {
                const int32_t j = j0 + jj;
                const int64_t q0 = q0s[jj];
                const dmask m0 = m0s[jj], m1 = m1s[jj];
                const float *zk = zero + q0; /* lanes read only columns in [0, out_w), as for dk */
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

/* dx_tile with rb as a constant. */
C4J_INLINE void dx_tiles(int rb, const c4j_conv_plan *p, const float *dyn, int32_t y, int32_t x,
                         const float *w, float *out) {
    switch (rb) {
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
                dx_tiles(rows, p, dyn, y, x, w, out);
            }
        }
    }
}

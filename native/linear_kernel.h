/* linear_kernel.h — internal: a fully connected layer's forward product on conv4j's own vectors,
 * y[i][o] = sum_t x[i][t] * w[o][t], and its input gradient (at the end of this file), written
 * once for every vector width and included by one unit per ISA (linear_avx2.c, linear_avx512.c;
 * linear_fast.h declares them).
 *
 * Why not a GEMM: both operands are contiguous along the depth t (x's rows, W's rows), so the
 * product is a set of dot products, and a tile of LRO rows of W by LRI images runs over t one
 * vector at a time: LRO + LRI loads per LRO * LRI FMAs, no broadcast, and W read in place row by
 * row (LRO sequential streams), never packed. OpenBLAS's sgemm packs W (150 MB for AlexNet's
 * 9216->4096) into panels on every call, and at a batch of 16 that copy, not the FMAs, set the
 * time: 10.8 ms against a 3.5 ms pass that only reads W (AVX-512 host, two workers). The lanes
 * of each accumulator are added up once per depth block (D_SUM).
 *
 * Blocking: depth blocks of LKB; in each, rows of W LMB at a time (LMB x LKB floats, 512 KB,
 * stay in L2 while the image tiles pass over them: W comes from memory once per call), and per
 * image tile its LRI rows of x copied (below) stay in L1 while the tiles of W rows pass, so a
 * tile's FMAs load LRO vectors from L2 and LRI from L1. The blocks depend on `in` only, so an
 * output's sum is the same bits whatever the batch, the split of the rows over workers or the
 * tile it falls in.
 *
 * The including unit defines, before including this file:
 *   C4J_LINEAR_FORWARD   the function's name
 *   LRO, LRI             rows of W and images per tile (LRO <= 3, LRI <= 8; LRO*LRI accumulators
 *                        + LRO row vectors + 1 image vector must fit the ISA's registers)
 *   LKB                  depth per block, a multiple of VW
 *   LMB                  rows of W per block
 * and, for the input gradient (only the AVX-512 unit: on AVX2 its 6x16 tiles measured level
 * with OpenBLAS's Haswell kernels at a batch of 16 and 1.4x slower at 64, so there OpenBLAS
 * keeps it):
 *   C4J_LINEAR_DX        its name
 *   DRI, DNV             images and vectors of columns per tile (DRI <= 8, DNV <= 3)
 *   DKB                  rows of W per depth block
 *   VW, dvec and the D_* operations: its ISA's vector set (avx2_vec.h, avx512_vec.h) */
#include <stdint.h>
#include <string.h>

#if LRO > 3 || LRI > 8
#error "linear_kernel.h names 3 rows and 8 images per tile at most"
#endif
#if defined(DRI) && (DRI > 8 || DNV > 3)
#error "linear_kernel.h's input-gradient tiles name 8 images and 3 vectors at most"
#endif

/* The vector held in a register: GCC would otherwise fold the image's load into each of its
 * LRO FMAs (LRO * LRI + LRO loads a step instead of LRI + LRO; 27 for 24 FMAs on AVX-512, more
 * than the two load ports issue beside the FMAs). */
#if defined(__GNUC__)
#define LIN_IN_REG(v) __asm__("" : "+v"(v))
#else
#define LIN_IN_REG(v) ((void)0)
#endif
/* Image k's contribution at depth offset t: one load, then one FMA per row of W. */
#define LIN_IMG(k)                                                                      \
    if (ri > k) {                                                                       \
        dvec xv = tail ? D_LOADM(x##k + t, mask) : D_LOAD(x##k + t);                    \
        LIN_IN_REG(xv);                                                                 \
        a0_##k = D_FMA(w0, xv, a0_##k);                                                 \
        if (ro > 1) a1_##k = D_FMA(w1, xv, a1_##k);                                     \
        if (ro > 2) a2_##k = D_FMA(w2, xv, a2_##k);                                     \
    }
#define LIN_ALL_IMGS LIN_IMG(0) LIN_IMG(1) LIN_IMG(2) LIN_IMG(3) LIN_IMG(4) LIN_IMG(5) LIN_IMG(6) LIN_IMG(7)
/* Writes (first block) or adds the sums of image k to y. */
#define LIN_OUT(r, k)                                                                   \
    if (ro > r && ri > k) {                                                             \
        const float s = D_SUM(a##r##_##k);                                              \
        y[(int64_t)k * ldy + r] = accumulate ? y[(int64_t)k * ldy + r] + s : s;         \
    }
#define LIN_OUT_ROW(r) LIN_OUT(r, 0) LIN_OUT(r, 1) LIN_OUT(r, 2) LIN_OUT(r, 3) LIN_OUT(r, 4) \
    LIN_OUT(r, 5) LIN_OUT(r, 6) LIN_OUT(r, 7)

/* One tile: ro (<= LRO) rows of W from w (row stride ldw), ri (<= LRI) images from x (row stride
 * ldx), `depth` floats of each from the block's start, into y (image stride ldy, rows at +r).
 * ro and ri are constants after inlining, so the accumulators stay in registers. */
C4J_INLINE void lin_tile(const int ro, const int ri, int64_t depth, const float *x, int64_t ldx,
                         const float *w, int64_t ldw, float *y, int64_t ldy, int accumulate) {
    dvec a0_0 = D_ZERO(), a0_1 = a0_0, a0_2 = a0_0, a0_3 = a0_0, a0_4 = a0_0, a0_5 = a0_0, a0_6 = a0_0,
         a0_7 = a0_0, a1_0 = a0_0, a1_1 = a0_0, a1_2 = a0_0, a1_3 = a0_0, a1_4 = a0_0, a1_5 = a0_0,
         a1_6 = a0_0, a1_7 = a0_0, a2_0 = a0_0, a2_1 = a0_0, a2_2 = a0_0, a2_3 = a0_0, a2_4 = a0_0,
         a2_5 = a0_0, a2_6 = a0_0, a2_7 = a0_0;
    /* rows and images past ro, ri are never read (their pointers are dead code) */
    const float *x0 = x, *x1 = x + (ri > 1 ? ldx : 0), *x2 = x + (ri > 2 ? 2 * ldx : 0),
                *x3 = x + (ri > 3 ? 3 * ldx : 0), *x4 = x + (ri > 4 ? 4 * ldx : 0),
                *x5 = x + (ri > 5 ? 5 * ldx : 0), *x6 = x + (ri > 6 ? 6 * ldx : 0),
                *x7 = x + (ri > 7 ? 7 * ldx : 0);
    const float *r0 = w, *r1 = w + (ro > 1 ? ldw : 0), *r2 = w + (ro > 2 ? 2 * ldw : 0);
    const int64_t full = depth - depth % VW;
    {
        const int tail = 0;
        const dmask mask = D_MASK(VW);
        for (int64_t t = 0; t < full; t += VW) {
            const dvec w0 = D_LOAD(r0 + t), w1 = ro > 1 ? D_LOAD(r1 + t) : w0, w2 = ro > 2 ? D_LOAD(r2 + t) : w0;
            (void)mask;
            LIN_ALL_IMGS
        }
    }
    if (full < depth) {
        const int tail = 1;
        const int64_t t = full;
        const dmask mask = D_MASK(depth - full);   /* lanes past the row read as 0, touched never */
        const dvec w0 = D_LOADM(r0 + t, mask), w1 = ro > 1 ? D_LOADM(r1 + t, mask) : w0,
                   w2 = ro > 2 ? D_LOADM(r2 + t, mask) : w0;
        LIN_ALL_IMGS
    }
    LIN_OUT_ROW(0) LIN_OUT_ROW(1) LIN_OUT_ROW(2)
}

#define LIN_TILE(r, i) lin_tile(r, i, depth, x, ldx, w, ldw, y, ldy, accumulate)
/* The image count as a constant, for `rows` rows (a constant too). */
#define LIN_IMAGES(rows)                                                                         \
    switch (ri) {                                                                               \
    case 8: LIN_TILE(rows, LRI >= 8 ? 8 : 1); break; case 7: LIN_TILE(rows, LRI >= 7 ? 7 : 1); break; \
    case 6: LIN_TILE(rows, LRI >= 6 ? 6 : 1); break; case 5: LIN_TILE(rows, LRI >= 5 ? 5 : 1); break; \
    case 4: LIN_TILE(rows, 4); break; case 3: LIN_TILE(rows, 3); break;                          \
    case 2: LIN_TILE(rows, 2); break; default: LIN_TILE(rows, 1); break;                         \
    }

static void lin_any_tile(int ro, int ri, int64_t depth, const float *x, int64_t ldx, const float *w,
                         int64_t ldw, float *y, int64_t ldy, int accumulate) {
    if (ro >= 3 && LRO >= 3) {
        LIN_IMAGES(LRO >= 3 ? 3 : 1)
    } else if (ro == 2) {
        LIN_IMAGES(2)
    } else {
        LIN_IMAGES(1)
    }
}

/* y[i * ldy + o] = sum_t x[i * ldx + t] * w[o * ldw + t] for i < n, o < m, t < in (y overwritten).
 * n, m, in >= 1. Reads x, w and writes y only at those elements. */
void C4J_LINEAR_FORWARD(int64_t n, int64_t m, int64_t in, const float *x, int64_t ldx, const float *w,
                        int64_t ldw, float *y, int64_t ldy) {
    /* One image tile's block of x, copied at a row stride of LKB + VW floats: x's own rows lie a
     * multiple of 4 KB apart at AlexNet's widths (9216, 4096 floats), so the LRI rows a tile
     * reads at once fall into one L1 set (12 ways) beside the rows of W, and evict each other;
     * copied, each row starts one cache line further along. 33 KB on AVX-512: on the stack. */
    float buf[LRI * (LKB + VW) + 16];
    float *xp = (float *)(((uintptr_t)buf + 63) & ~(uintptr_t)63);
    const int64_t ldp = LKB + VW;
    for (int64_t t0 = 0; t0 < in; t0 += LKB) {
        const int64_t depth = in - t0 < LKB ? in - t0 : LKB;
        const int accumulate = t0 > 0;
        for (int64_t ob = 0; ob < m; ob += LMB) {
            const int64_t oe = m - ob < LMB ? m : ob + LMB;
            for (int64_t i = 0; i < n; i += LRI) {
                const int ri = n - i < LRI ? (int)(n - i) : LRI;
                for (int k = 0; k < ri; ++k) memcpy(xp + k * ldp, x + (i + k) * ldx + t0, (size_t)depth * sizeof(float));
                for (int64_t o = ob; o < oe; o += LRO) {
                    const int ro = oe - o < LRO ? (int)(oe - o) : LRO;
                    lin_any_tile(ro, ri, depth, xp, ldp, w + o * ldw + t0, ldw, y + i * ldy + o, ldy, accumulate);
                }
            }
        }
    }
}

#ifdef C4J_LINEAR_DX
/* The input gradient dx[i][j] = sum_o dy[i][o] * w[o][j], for j < cols of W's and dx's rows (the
 * caller's column range), i < n, o < out. Here the depth o runs down W's rows, so W is the
 * vector operand: a tile of DRI images by DNV vectors of columns broadcasts dy[i][o] and loads
 * one row segment of W per step (DNV + DRI loads per DNV * DRI FMAs), as gemm_kernel.h's tiles.
 * OpenBLAS packs W for this too, and at a batch of 16 its tiles of 16 rows ran at a third of the
 * peak. Depth blocks of DKB rows of W: within one, the column strips sweep along the rows, so W
 * is read as DKB sequential streams, once, and each strip's rows (DKB x DNV vectors, 3 KB) are
 * read again from L1 by the other image tiles; dx's rows (n x cols, 295 KB for AlexNet's first
 * classifier layer split over two workers) are added to from L2 once per block. */
#define DX_ROW(i)                                                                       \
    if (ri > i) {                                                                       \
        const dvec d = D_BCAST(a + i * lda);                                            \
        c0_##i = D_FMA(d, b0, c0_##i);                                                  \
        if (nv > 1) c1_##i = D_FMA(d, b1, c1_##i);                                      \
        if (nv > 2) c2_##i = D_FMA(d, b2, c2_##i);                                      \
    }
#define DX_VEC_OUT(v, i, row)                                                           \
    if (nv > v) {                                                                       \
        float *q = row + v * VW;                                                        \
        dvec s = c##v##_##i;                                                            \
        if (full) {                                                                     \
            if (accumulate) s = D_ADD(s, D_LOAD(q));                                    \
            D_STORE(q, s);                                                              \
        } else {                                                                        \
            if (accumulate) s = D_ADD(s, D_LOADM(q, m##v));                             \
            D_STOREM(q, m##v, s);                                                       \
        }                                                                               \
    }
#define DX_OUT(i)                                                                       \
    if (ri > i) {                                                                       \
        float *row = c + i * ldc;                                                       \
        DX_VEC_OUT(0, i, row) DX_VEC_OUT(1, i, row) DX_VEC_OUT(2, i, row)               \
    }

/* One tile: ri (<= DRI) images, nv (<= DNV) vectors of columns of which `width` columns exist
 * (all of them when full), `depth` rows of W; ri, nv and full are constants after inlining. */
C4J_INLINE void dx_tile(const int ri, const int nv, const int full, int64_t width, int64_t depth, const float *a,
                        int64_t lda, const float *b, int64_t ldb, float *c, int64_t ldc, int accumulate) {
    dvec c0_0 = D_ZERO(), c0_1 = c0_0, c0_2 = c0_0, c0_3 = c0_0, c0_4 = c0_0, c0_5 = c0_0, c0_6 = c0_0,
         c0_7 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c1_2 = c0_0, c1_3 = c0_0, c1_4 = c0_0, c1_5 = c0_0,
         c1_6 = c0_0, c1_7 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c2_2 = c0_0, c2_3 = c0_0, c2_4 = c0_0,
         c2_5 = c0_0, c2_6 = c0_0, c2_7 = c0_0;
    const dmask m0 = D_MASK(width), m1 = D_MASK(width - VW), m2 = D_MASK(width - 2 * VW);
    for (int64_t t = 0; t < depth; ++t, a += 1, b += ldb) {
        const dvec b0 = full ? D_LOAD(b) : D_LOADM(b, m0);
        const dvec b1 = nv > 1 ? (full ? D_LOAD(b + VW) : D_LOADM(b + VW, m1)) : b0;
        const dvec b2 = nv > 2 ? (full ? D_LOAD(b + 2 * VW) : D_LOADM(b + 2 * VW, m2)) : b0;
        DX_ROW(0) DX_ROW(1) DX_ROW(2) DX_ROW(3) DX_ROW(4) DX_ROW(5) DX_ROW(6) DX_ROW(7)
    }
    DX_OUT(0) DX_OUT(1) DX_OUT(2) DX_OUT(3) DX_OUT(4) DX_OUT(5) DX_OUT(6) DX_OUT(7)
}

#define DX_TILE(i) dx_tile(i, nv, full, width, depth, a, lda, b, ldb, c, ldc, accumulate)
#define DX_IMAGES                                                                                 \
    switch (ri) {                                                                                \
    case 8: DX_TILE(DRI >= 8 ? 8 : 1); break; case 7: DX_TILE(DRI >= 7 ? 7 : 1); break;           \
    case 6: DX_TILE(DRI >= 6 ? 6 : 1); break; case 5: DX_TILE(DRI >= 5 ? 5 : 1); break;           \
    case 4: DX_TILE(4); break; case 3: DX_TILE(3); break; case 2: DX_TILE(2); break;              \
    default: DX_TILE(1); break;                                                                   \
    }

static void dx_any_tile(int ri, int64_t width, int64_t depth, const float *a, int64_t lda, const float *b,
                        int64_t ldb, float *c, int64_t ldc, int accumulate) {
    if (width == DNV * VW) {
        const int nv = DNV, full = 1;
        DX_IMAGES
    } else {
        const int full = 0;
        if (width > 2 * VW && DNV > 2) {
            const int nv = DNV > 2 ? 3 : 1;
            DX_IMAGES
        } else if (width > VW) {
            const int nv = 2;
            DX_IMAGES
        } else {
            const int nv = 1;
            DX_IMAGES
        }
    }
}

/* dx[i * lddx + j] = sum_o dy[i * lddy + o] * w[o * ldw + j] for i < n, j < cols, o < out (dx
 * overwritten); n, cols, out >= 1. Reads dy and w and writes dx at those elements only. */
void C4J_LINEAR_DX(int64_t n, int64_t cols, int64_t out, const float *dy, int64_t lddy, const float *w,
                   int64_t ldw, float *dx, int64_t lddx) {
    for (int64_t o0 = 0; o0 < out; o0 += DKB) {
        const int64_t depth = out - o0 < DKB ? out - o0 : DKB;
        for (int64_t j = 0; j < cols; j += DNV * VW) {
            const int64_t width = cols - j < DNV * VW ? cols - j : DNV * VW;
            for (int64_t i = 0; i < n; i += DRI) {
                const int ri = n - i < DRI ? (int)(n - i) : DRI;
                dx_any_tile(ri, width, depth, dy + i * lddy + o0, lddy, w + o0 * ldw + j, ldw, dx + i * lddx + j, lddx,
                            o0 > 0);
            }
        }
    }
}
#endif /* C4J_LINEAR_DX */

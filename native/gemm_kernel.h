/* gemm_kernel.h — internal: the body of conv4j's own matrix product (see gemm.h), written once for
 * every vector width and included by one unit per ISA: gemm_avx2.c (8-lane ymm, a 6x16 tile) and
 * gemm_avx512.c (16-lane zmm, a 12x32 tile). A 2-vector-wide register tile of FMAs, as in the
 * GotoBLAS/BLIS micro-kernels, but fed straight from strided operands (or offset tables) instead
 * of packed copies.
 *
 * Per depth step the tile loads NR = 2 VW floats of B (two vectors), broadcasts MR elements of A
 * and does 2 MR FMAs: on AVX2 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm
 * registers, on AVX-512 24 + 2 + 1 = 27 of the 32 zmm ones. The depth is cut into equal blocks
 * of at most KC (unless the caller asks for other blocks: see kc) so that the B panel one tile
 * column reads (KC x NR floats, 16 KB on either ISA) stays in L1 beside the A lines of a row tile
 * (~11 KB for 3x3 taps) while all the row tiles pass over it. AVX2, measured against 512
 * (alternated series on both cores, B in panels): one series put 256 20 % ahead on 13x13
 * 192->384, the next had them level, and the other layers were level in both; this machine's
 * noise hides anything smaller. Rows are taken MC at a time, so the part of A one depth block
 * reads stays in L2 across the column tiles of B (MC = 384 measured better than 96 or unblocked
 * on 13x13, 28x28 and 56x56 convs).
 *
 * The including unit defines, before including this file:
 *   C4J_GEMM       the function's name (gemm.h declares both)
 *   MR, KC         rows per tile, depth per block
 *   NMR            rows per narrow tile (narrow_tile below), 12 to 16
 *   VW, dvec, dmask and the D_* operations: its ISA's vector set (avx2_vec.h, avx512_vec.h) */
#include <stddef.h>
#include "gemm.h"

#if MR > 12
#error "gemm_kernel.h names 12 tile rows at most"
#endif
#if NMR > 16 || NMR < 12
#error "gemm_kernel.h names 12 to 16 narrow-tile rows"
#endif
enum { NR = 2 * VW, MC = 384, MAX_MR = 16 };

/* Row i of the tile: its two accumulators, updated with broadcast A(t, i). Named registers, not
 * an array: GCC keeps an array of vectors on the stack and the loop would spill every step. */
#define FMA_ROW(i)                                                                \
    if (m > i) {                                                                  \
        dvec ai = D_BCAST(at + o##i);                                              \
        lo##i = D_FMA(ai, b0, lo##i);                                             \
        hi##i = D_FMA(ai, b1, hi##i);                                             \
    }
#define STORE_ROW(i) \
    if (m > i) store_row(full, n, lo##i, hi##i, c + i * c_i, accumulate);

/* How a tile walks A: row i starts at a + off[i]; per step A moves by a_t, or (tabled) step t
 * reads at a + steps[t] + off[i]. */
typedef struct {
    const float *a;
    int64_t a_t;
    const int32_t *steps;
    int64_t off[MAX_MR];
    const int32_t *b_steps;   /* B tabled (gemm.h): step t reads b + b_steps[t] */
} a_walk;

/* Writes (or adds) one row of the tile to C. */
C4J_INLINE void store_row(const int full, int64_t n, dvec lo, dvec hi, float *row, int accumulate) {
    const dmask mask0 = D_MASK(n), mask1 = D_MASK(n - VW);
    if (accumulate) {
        lo = D_ADD(lo, full ? D_LOAD(row) : D_LOADM(row, mask0));
        hi = D_ADD(hi, full ? D_LOAD(row + VW) : D_LOADM(row + VW, mask1));
    }
    if (full) {
        D_STORE(row, lo);
        D_STORE(row + VW, hi);
    } else {
        D_STOREM(row, mask0, lo);
        D_STOREM(row + VW, mask1, hi);
    }
}

/* One tile of m (<= MR, a constant after inlining) rows and n (<= NR) columns over `depth`
 * steps. `full` (a constant too) says n == NR, so B needs no masks; `tabled` (a constant) says
 * A is walked through its step table. */
C4J_INLINE void tile(const int m, const int full, const int tabled, const int tabled_b, int64_t n,
                     int64_t depth, const a_walk *w, const float *b, int64_t b_t, float *c,
                     int64_t c_i, int accumulate) {
    dvec lo0 = D_ZERO(), hi0 = lo0, lo1 = lo0, hi1 = lo0, lo2 = lo0, hi2 = lo0, lo3 = lo0, hi3 = lo0,
        lo4 = lo0, hi4 = lo0, lo5 = lo0, hi5 = lo0, lo6 = lo0, hi6 = lo0, lo7 = lo0, hi7 = lo0,
        lo8 = lo0, hi8 = lo0, lo9 = lo0, hi9 = lo0, lo10 = lo0, hi10 = lo0, lo11 = lo0, hi11 = lo0;
    /* rows past m (past MR, for the narrow ISA) are dead code once m is a constant */
    const int64_t o0 = w->off[0], o1 = m > 1 ? w->off[1] : 0, o2 = m > 2 ? w->off[2] : 0,
                  o3 = m > 3 ? w->off[3] : 0, o4 = m > 4 ? w->off[4] : 0, o5 = m > 5 ? w->off[5] : 0,
                  o6 = m > 6 ? w->off[6] : 0, o7 = m > 7 ? w->off[7] : 0, o8 = m > 8 ? w->off[8] : 0,
                  o9 = m > 9 ? w->off[9] : 0, o10 = m > 10 ? w->off[10] : 0,
                  o11 = m > 11 ? w->off[11] : 0;
    const dmask mask0 = D_MASK(n), mask1 = D_MASK(n - VW);
    const float *a = w->a;
    const int32_t *steps = w->steps;
    const int32_t *b_steps = w->b_steps;
    for (int64_t t = 0; t < depth; ++t) {
        const float *at = tabled ? a + steps[t] : a;
        if (!tabled) a += w->a_t;
        const float *bt = tabled_b ? b + b_steps[t] : b;
        if (!tabled_b) b += b_t;
        const dvec b0 = full ? D_LOAD(bt) : D_LOADM(bt, mask0);
        const dvec b1 = full ? D_LOAD(bt + VW) : D_LOADM(bt + VW, mask1);
        FMA_ROW(0) FMA_ROW(1) FMA_ROW(2) FMA_ROW(3) FMA_ROW(4) FMA_ROW(5)
        FMA_ROW(6) FMA_ROW(7) FMA_ROW(8) FMA_ROW(9) FMA_ROW(10) FMA_ROW(11)
    }
    STORE_ROW(0) STORE_ROW(1) STORE_ROW(2) STORE_ROW(3) STORE_ROW(4) STORE_ROW(5)
    STORE_ROW(6) STORE_ROW(7) STORE_ROW(8) STORE_ROW(9) STORE_ROW(10) STORE_ROW(11)
}

/* A tile of B columns that fit one vector (n <= VW: the 16 output channels of a ResNet's first
 * stage on AVX-512, where tile() would spend half its FMAs on the masked-off second vector). One
 * accumulator per row and NMR rows (16 on AVX-512, 12 on AVX2). It still needs a broadcast per
 * FMA, so it stays below tile()'s rate (on this Zen host 16->16 3x3 at 32x32, one core, went from
 * 91-116 to 122-150 GFLOP/s against ~210 for 32 channels); 24 rows measured ~4 % slower than 16,
 * whose tiles line up with 32-pixel rows and so take the `unit` walk (any_narrow_tile). */
#define NFMA_ROW(i)                                                               \
    if (m > i) acc##i = D_FMA(D_BCAST(at + o##i), b0, acc##i);
#define NSTORE_ROW(i)                                                             \
    if (m > i) {                                                                  \
        float *row = c + i * c_i;                                                 \
        dvec v = accumulate ? D_ADD(acc##i, full ? D_LOAD(row) : D_LOADM(row, mask)) : acc##i; \
        if (full) D_STORE(row, v); else D_STOREM(row, mask, v);                   \
    }
C4J_INLINE void narrow_tile(const int m, const int full, const int tabled, const int unit, int64_t n,
                            int64_t depth, const a_walk *w, const float *b, int64_t b_t, float *c,
                            int64_t c_i, int accumulate) {
    dvec acc0 = D_ZERO(), acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0,
        acc6 = acc0, acc7 = acc0, acc8 = acc0, acc9 = acc0, acc10 = acc0, acc11 = acc0,
        acc12 = acc0, acc13 = acc0, acc14 = acc0, acc15 = acc0;
#define NOFF(i) o##i = m > i ? (unit ? w->off[0] + i : w->off[i]) : 0
    const int64_t NOFF(0), NOFF(1), NOFF(2), NOFF(3), NOFF(4), NOFF(5), NOFF(6), NOFF(7),
                  NOFF(8), NOFF(9), NOFF(10), NOFF(11), NOFF(12), NOFF(13), NOFF(14), NOFF(15);
#undef NOFF
    const dmask mask = D_MASK(n);
    const float *a = w->a;
    const int32_t *steps = w->steps;
    for (int64_t t = 0; t < depth; ++t, b += b_t) {
        const float *at = tabled ? a + steps[t] : a;
        if (!tabled) a += w->a_t;
        const dvec b0 = full ? D_LOAD(b) : D_LOADM(b, mask);
        NFMA_ROW(0) NFMA_ROW(1) NFMA_ROW(2) NFMA_ROW(3) NFMA_ROW(4) NFMA_ROW(5)
        NFMA_ROW(6) NFMA_ROW(7) NFMA_ROW(8) NFMA_ROW(9) NFMA_ROW(10) NFMA_ROW(11)
        NFMA_ROW(12) NFMA_ROW(13) NFMA_ROW(14) NFMA_ROW(15)
    }
    NSTORE_ROW(0) NSTORE_ROW(1) NSTORE_ROW(2) NSTORE_ROW(3) NSTORE_ROW(4) NSTORE_ROW(5)
    NSTORE_ROW(6) NSTORE_ROW(7) NSTORE_ROW(8) NSTORE_ROW(9) NSTORE_ROW(10) NSTORE_ROW(11)
    NSTORE_ROW(12) NSTORE_ROW(13) NSTORE_ROW(14) NSTORE_ROW(15)
}

/* The row count, column fullness and A walk as constants, so each tile keeps its accumulators
 * in registers and its loop free of tests. */
#define TILE(rows) tile(rows, full, tabled, tabled_b, n, depth, w, b, b_t, c, c_i, accumulate)
#define NTILE(rows) narrow_tile(rows, full, tabled, unit, n, depth, w, b, b_t, c, c_i, accumulate)
/* The cases of a switch over the tile's rows m, for either tile (T: TILE or NTILE). */
#define CASES_16_TO_13(T)                                                                 \
    case 16: T(16); break; case 15: T(15); break; case 14: T(14); break; case 13: T(13); break;
#define CASES_12_TO_7(T)                                                                  \
    case 12: T(12); break; case 11: T(11); break; case 10: T(10); break; case 9: T(9); break; \
    case 8: T(8); break; case 7: T(7); break;
#define CASES_6_TO_1(T)                                                                   \
    case 6: T(6); break; case 5: T(5); break; case 4: T(4); break; case 3: T(3); break;      \
    case 2: T(2); break; default: T(1); break;
#if MR > 6
#define ROWS switch (m) { CASES_12_TO_7(TILE) CASES_6_TO_1(TILE) }
#else
#define ROWS switch (m) { CASES_6_TO_1(TILE) }
#endif
#if NMR > 12
#define NARROW_ROWS switch (m) { CASES_16_TO_13(NTILE) CASES_12_TO_7(NTILE) CASES_6_TO_1(NTILE) }
#else
#define NARROW_ROWS switch (m) { CASES_12_TO_7(NTILE) CASES_6_TO_1(NTILE) }
#endif

static void any_tile(int m, int64_t n, int64_t depth, const a_walk *w, const float *b,
                     int64_t b_t, float *c, int64_t c_i, int accumulate) {
    const int tabled_b = 0;
    if (n == NR && w->steps) {
        const int full = 1, tabled = 1;
        ROWS
    } else if (n == NR) {
        const int full = 1, tabled = 0;
        ROWS
    } else if (w->steps) {
        const int full = 0, tabled = 1;
        ROWS
    } else {
        const int full = 0, tabled = 0;
        ROWS
    }
}

/* Tiles of a tabled B (A strided): the convolutions whose vector columns are output pixels. */
static void any_tile_b(int m, int64_t n, int64_t depth, const a_walk *w, const float *b,
                       int64_t b_t, float *c, int64_t c_i, int accumulate) {
    const int tabled = 0, tabled_b = 1;
    if (n == NR) {
        const int full = 1;
        ROWS
    } else {
        const int full = 0;
        ROWS
    }
}

static void any_narrow_tile(int m, int64_t n, int64_t depth, const a_walk *w, const float *b,
                            int64_t b_t, float *c, int64_t c_i, int accumulate) {
    /* rows at consecutive addresses (a run of output pixels along a row, stride 1): each row's
     * broadcast is then one displacement off a single register, where NMR separate offsets
     * would not fit in the 16 general registers and be reloaded from the stack every step */
    int unit = w->steps != NULL;
    for (int i = 1; i < m && unit; ++i) unit = w->off[i] == w->off[0] + i;
    if (n == VW && unit) {
        const int full = 1, tabled = 1;
        NARROW_ROWS
    } else if (n == VW && w->steps) {
        const int full = 1, tabled = 1, unit = 0;
        NARROW_ROWS
    } else if (n == VW) {
        const int full = 1, tabled = 0, unit = 0;
        NARROW_ROWS
    } else if (unit) {
        const int full = 0, tabled = 1;
        NARROW_ROWS
    } else if (w->steps) {
        const int full = 0, tabled = 1, unit = 0;
        NARROW_ROWS
    } else {
        const int full = 0, tabled = 0, unit = 0;
        NARROW_ROWS
    }
}

void C4J_GEMM(const c4j_gemm_args *p) {
    const int64_t kc_max = p->kc > 0 ? p->kc : KC;
    const int64_t blocks = (p->depth + kc_max - 1) / kc_max, block = (p->depth + blocks - 1) / blocks;
    for (int64_t t0 = 0; t0 < p->depth; t0 += block) {
        const int64_t kc = p->depth - t0 < block ? p->depth - t0 : block;
        const int accumulate = p->accumulate || t0 > 0;
        for (int64_t ib = 0; ib < p->m; ib += MC) {
            const int64_t i_end = ib + MC < p->m ? ib + MC : p->m;
            for (int64_t j0 = 0; j0 < p->n; j0 += NR) {
                const int64_t n = p->n - j0 < NR ? p->n - j0 : NR;
                const int64_t b_t = p->b_panels ? n : p->b_t;
                const float *b = p->b_panels ? p->b + j0 * p->depth + t0 * n
                                 : p->b_steps ? p->b + j0 : p->b + t0 * p->b_t + j0;
                const int narrow = n <= VW && !p->b_steps, rows = narrow ? NMR : MR;
                for (int64_t i0 = ib; i0 < i_end; i0 += rows) {
                    const int m = p->m - i0 < rows ? (int)(p->m - i0) : rows;
                    a_walk w = {p->a, p->a_t, p->a_steps ? p->a_steps + t0 : NULL, {0},
                                p->b_steps ? p->b_steps + t0 : NULL};
                    if (p->a_steps) {
                        for (int i = 0; i < m; ++i) w.off[i] = p->a_rows[i0 + i];
                    } else {
                        w.a += t0 * p->a_t + i0 * p->a_i;
                        for (int i = 0; i < m; ++i) w.off[i] = i * p->a_i;
                    }
                    float *ct = p->c + i0 * p->c_i + j0;
                    if (narrow)
                        any_narrow_tile(m, n, kc, &w, b, b_t, ct, p->c_i, accumulate);
                    else if (p->b_steps)
                        any_tile_b(m, n, kc, &w, b, b_t, ct, p->c_i, accumulate);
                    else
                        any_tile(m, n, kc, &w, b, b_t, ct, p->c_i, accumulate);
                }
            }
        }
    }
}

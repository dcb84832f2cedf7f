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
 *   VW, MR, KC     lanes per vector, rows per tile, depth per block
 *   vec, vmask     the vector and tail-mask types
 *   V_ZERO() V_LOAD(p) V_BCAST(p) V_FMA(a, b, c) V_ADD(a, b) V_STORE(p, v)
 *   V_MASK(n)      lanes j < n (n may be <= 0 or >= VW)
 *   V_LOADM(p, m) V_STOREM(p, m, v)   masked: touch no lane outside the mask */
#include <stddef.h>
#include "gemm.h"

#if MR > 12
#error "gemm_kernel.h names 12 tile rows at most"
#endif
enum { NR = 2 * VW, MC = 384, MAX_MR = 12 };

/* Row i of the tile: its two accumulators, updated with broadcast A(t, i). Named registers, not
 * an array: GCC keeps an array of vectors on the stack and the loop would spill every step. */
#define FMA_ROW(i)                                                                \
    if (m > i) {                                                                  \
        vec ai = V_BCAST(at + o##i);                                              \
        lo##i = V_FMA(ai, b0, lo##i);                                             \
        hi##i = V_FMA(ai, b1, hi##i);                                             \
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
} a_walk;

/* Writes (or adds) one row of the tile to C. */
C4J_INLINE void store_row(const int full, int64_t n, vec lo, vec hi, float *row, int accumulate) {
    const vmask mask0 = V_MASK(n), mask1 = V_MASK(n - VW);
    if (accumulate) {
        lo = V_ADD(lo, full ? V_LOAD(row) : V_LOADM(row, mask0));
        hi = V_ADD(hi, full ? V_LOAD(row + VW) : V_LOADM(row + VW, mask1));
    }
    if (full) {
        V_STORE(row, lo);
        V_STORE(row + VW, hi);
    } else {
        V_STOREM(row, mask0, lo);
        V_STOREM(row + VW, mask1, hi);
    }
}

/* One tile of m (<= MR, a constant after inlining) rows and n (<= NR) columns over `depth`
 * steps. `full` (a constant too) says n == NR, so B needs no masks; `tabled` (a constant) says
 * A is walked through its step table. */
C4J_INLINE void tile(const int m, const int full, const int tabled, int64_t n,
                     int64_t depth, const a_walk *w, const float *b, int64_t b_t, float *c,
                     int64_t c_i, int accumulate) {
    vec lo0 = V_ZERO(), hi0 = lo0, lo1 = lo0, hi1 = lo0, lo2 = lo0, hi2 = lo0, lo3 = lo0, hi3 = lo0,
        lo4 = lo0, hi4 = lo0, lo5 = lo0, hi5 = lo0, lo6 = lo0, hi6 = lo0, lo7 = lo0, hi7 = lo0,
        lo8 = lo0, hi8 = lo0, lo9 = lo0, hi9 = lo0, lo10 = lo0, hi10 = lo0, lo11 = lo0, hi11 = lo0;
    /* rows past m (past MR, for the narrow ISA) are dead code once m is a constant */
    const int64_t o0 = w->off[0], o1 = m > 1 ? w->off[1] : 0, o2 = m > 2 ? w->off[2] : 0,
                  o3 = m > 3 ? w->off[3] : 0, o4 = m > 4 ? w->off[4] : 0, o5 = m > 5 ? w->off[5] : 0,
                  o6 = m > 6 ? w->off[6] : 0, o7 = m > 7 ? w->off[7] : 0, o8 = m > 8 ? w->off[8] : 0,
                  o9 = m > 9 ? w->off[9] : 0, o10 = m > 10 ? w->off[10] : 0,
                  o11 = m > 11 ? w->off[11] : 0;
    const vmask mask0 = V_MASK(n), mask1 = V_MASK(n - VW);
    const float *a = w->a;
    const int32_t *steps = w->steps;
    for (int64_t t = 0; t < depth; ++t, b += b_t) {
        const float *at = tabled ? a + steps[t] : a;
        if (!tabled) a += w->a_t;
        const vec b0 = full ? V_LOAD(b) : V_LOADM(b, mask0);
        const vec b1 = full ? V_LOAD(b + VW) : V_LOADM(b + VW, mask1);
        FMA_ROW(0) FMA_ROW(1) FMA_ROW(2) FMA_ROW(3) FMA_ROW(4) FMA_ROW(5)
        FMA_ROW(6) FMA_ROW(7) FMA_ROW(8) FMA_ROW(9) FMA_ROW(10) FMA_ROW(11)
    }
    STORE_ROW(0) STORE_ROW(1) STORE_ROW(2) STORE_ROW(3) STORE_ROW(4) STORE_ROW(5)
    STORE_ROW(6) STORE_ROW(7) STORE_ROW(8) STORE_ROW(9) STORE_ROW(10) STORE_ROW(11)
}

/* The row count, column fullness and A walk as constants, so each tile keeps its accumulators
 * in registers and its loop free of tests. */
#define TILE(rows) tile(rows, full, tabled, n, depth, w, b, b_t, c, c_i, accumulate)
#if MR > 6
#define WIDE_ROWS                                            \
    case 12: TILE(12); break;                                \
    case 11: TILE(11); break;                                \
    case 10: TILE(10); break;                                \
    case 9: TILE(9); break;                                  \
    case 8: TILE(8); break;                                  \
    case 7: TILE(7); break;
#else
#define WIDE_ROWS
#endif
#define ROWS                                                 \
    switch (m) {                                             \
    WIDE_ROWS                                                \
    case 6: TILE(6); break;                                  \
    case 5: TILE(5); break;                                  \
    case 4: TILE(4); break;                                  \
    case 3: TILE(3); break;                                  \
    case 2: TILE(2); break;                                  \
    default: TILE(1); break;                                 \
    }

static void any_tile(int m, int64_t n, int64_t depth, const a_walk *w, const float *b,
                     int64_t b_t, float *c, int64_t c_i, int accumulate) {
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
                const float *b = p->b_panels ? p->b + j0 * p->depth + t0 * n : p->b + t0 * p->b_t + j0;
                for (int64_t i0 = ib; i0 < i_end; i0 += MR) {
                    const int m = p->m - i0 < MR ? (int)(p->m - i0) : MR;
                    a_walk w = {p->a, p->a_t, p->a_steps ? p->a_steps + t0 : NULL, {0}};
                    if (p->a_steps) {
                        for (int i = 0; i < m; ++i) w.off[i] = p->a_rows[i0 + i];
                    } else {
                        w.a += t0 * p->a_t + i0 * p->a_i;
                        for (int i = 0; i < m; ++i) w.off[i] = i * p->a_i;
                    }
                    any_tile(m, n, kc, &w, b, b_t, p->c + i0 * p->c_i + j0, p->c_i, accumulate);
                }
            }
        }
    }
}

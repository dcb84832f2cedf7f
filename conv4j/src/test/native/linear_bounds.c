/* The fully connected layer under AddressSanitizer/UBSan (scripts/native-sanitize.sh): forward
 * over two feature ranges (as two workers split it), with and without a bias; backward over two
 * (feature, input) range pairs with each of dx, dw, db present or NULL; and ranges reaching
 * outside the layer, which must write nothing. Buffers of exactly the documented sizes, y and dx
 * pre-filled with NaN, dw/db with values the gradient must be added to; naive references. Every
 * 50th case is one image through a 2049..2100 x 1024..1100 weight, for the forward's sgemv; every
 * 5th (else) a batch of 2..19 through 1025..2100 x 129..300 (conv4j's own products run from
 * 2^16 weights a worker, linear.c's OWN_MIN_WEIGHTS; the smaller cases test OpenBLAS's calls),
 * past the fast forward's depth block (1024) and row block (128), with whole 3x8 tiles, and past
 * the AVX-512 input gradient's depth
 * block (32 rows) with whole 8x48 tiles and ragged ones. On the fast kernels each case runs with
 * the AVX-512 kernels (where the CPU has them) and with the AVX2 ones (linear_kernel.h). */
#include "check.h"

typedef struct {
    int32_t n, in, out;
} dims;

static void forward_reference(const dims *d, const float *x, const float *w, const float *b, double *y) {
    for (int32_t i = 0; i < d->n; ++i)
        for (int32_t o = 0; o < d->out; ++o) {
            double sum = b ? b[o] : 0.0;
            for (int32_t k = 0; k < d->in; ++k) sum += (double)x[(int64_t)i * d->in + k] * w[(int64_t)o * d->in + k];
            y[(int64_t)i * d->out + o] = sum;
        }
}

/* dx = dy . w; dw = dw0 + dy^T . x; db = db0 + sum over rows of dy. */
static void backward_reference(const dims *d, const float *x, const float *w, const float *dy, const float *dw0,
                               const float *db0, double *dx, double *dw, double *db) {
    for (int32_t o = 0; o < d->out; ++o) {
        db[o] = db0[o];
        for (int32_t k = 0; k < d->in; ++k) dw[(int64_t)o * d->in + k] = dw0[(int64_t)o * d->in + k];
    }
    for (int32_t i = 0; i < d->n; ++i)
        for (int32_t o = 0; o < d->out; ++o) {
            const double g = dy[(int64_t)i * d->out + o];
            db[o] += g;
            for (int32_t k = 0; k < d->in; ++k) {
                dx[(int64_t)i * d->in + k] += g * w[(int64_t)o * d->in + k];
                dw[(int64_t)o * d->in + k] += g * x[(int64_t)i * d->in + k];
            }
        }
}

static int forward_case(int it, const dims *d, const float *x, const float *w, const float *b) {
    const int64_t ys = (int64_t)d->n * d->out;
    float *y = nan_filled(ys);
    double *want = zeros(ys);
    forward_reference(d, x, w, b, want);
    const int32_t mid = pick(0, d->out);
    c4j_linear_forward(d->n, d->in, d->out, 0, mid, x, w, b, y);
    c4j_linear_forward(d->n, d->in, d->out, mid, d->out, x, w, b, y);
    int ok = agrees("y", it, y, want, ys, 1e-5 * d->in);
    /* ranges reaching outside [0, out) do nothing */
    float *before = dup_of(y, (size_t)ys * sizeof(float));
    c4j_linear_forward(d->n, d->in, d->out, -1, mid, x, w, b, y);
    c4j_linear_forward(d->n, d->in, d->out, mid, d->out + 1, x, w, b, y);
    ok = ok && unchanged("y (range outside the layer)", it, y, before, (size_t)ys * sizeof(float));
    free(y); free(want); free(before);
    return ok;
}

/* Each gradient is present or NULL independently (the bits of which). */
static int backward_case(int it, const dims *d, const float *x, const float *w, int which) {
    const int64_t xs = (int64_t)d->n * d->in, ws = (int64_t)d->out * d->in, ys = (int64_t)d->n * d->out;
    float *dy = filled(ys), *dw0 = filled(ws), *db0 = filled(d->out);
    float *dx = which & 1 ? nan_filled(xs) : NULL, *dw = which & 2 ? dup_of(dw0, (size_t)ws * sizeof(float)) : NULL,
          *db = which & 4 ? dup_of(db0, (size_t)d->out * sizeof(float)) : NULL;
    double *want_dx = zeros(xs), *want_dw = zeros(ws), *want_db = zeros(d->out);
    backward_reference(d, x, w, dy, dw0, db0, want_dx, want_dw, want_db);
    const int32_t omid = pick(0, d->out), imid = pick(0, d->in);
    c4j_linear_backward(d->n, d->in, d->out, 0, omid, 0, imid, x, w, dy, dx, dw, db);
    c4j_linear_backward(d->n, d->in, d->out, omid, d->out, imid, d->in, x, w, dy, dx, dw, db);
    const double tol = 1e-5 * (d->n > d->out ? d->n : d->out);
    int ok = (!dx || agrees("dx", it, dx, want_dx, xs, tol)) && (!dw || agrees("dw", it, dw, want_dw, ws, tol)) &&
             (!db || agrees("db", it, db, want_db, d->out, tol));
    /* ranges reaching outside the layer do nothing, to any of the outputs */
    float *bx = dx ? dup_of(dx, (size_t)xs * sizeof(float)) : NULL, *bw = dw ? dup_of(dw, (size_t)ws * sizeof(float)) : NULL,
          *bb = db ? dup_of(db, (size_t)d->out * sizeof(float)) : NULL;
    c4j_linear_backward(d->n, d->in, d->out, -1, omid, 0, imid, x, w, dy, dx, dw, db);
    c4j_linear_backward(d->n, d->in, d->out, omid, d->out + 1, imid, d->in, x, w, dy, dx, dw, db);
    c4j_linear_backward(d->n, d->in, d->out, 0, omid, -1, imid, x, w, dy, dx, dw, db);
    c4j_linear_backward(d->n, d->in, d->out, omid, d->out, imid, d->in + 1, x, w, dy, dx, dw, db);
    ok = ok && (!dx || unchanged("dx (range outside)", it, dx, bx, (size_t)xs * sizeof(float))) &&
         (!dw || unchanged("dw (range outside)", it, dw, bw, (size_t)ws * sizeof(float))) &&
         (!db || unchanged("db (range outside)", it, db, bb, (size_t)d->out * sizeof(float)));
    free(dy); free(dw0); free(db0); free(dx); free(dw); free(db); free(bx); free(bw); free(bb);
    free(want_dx); free(want_dw); free(want_db);
    return ok;
}

static int one_case(int it) {
    dims d; /* one draw per statement, so a case replays the same under every compiler */
    const int wide = it % 50 == 0; /* one image through weights whose halves pass 2^20 floats: sgemv */
    const int blocked = !wide && it % 5 == 0;
    d.n = wide ? 1 : blocked ? pick(2, 19) : pick(1, 9);
    d.in = wide ? pick(2049, 2100) : blocked ? pick(1025, 2100) : pick(1, 40);
    d.out = wide ? pick(1024, 1100) : blocked ? pick(129, 300) : pick(1, 30);
    float *x = filled((int64_t)d.n * d.in), *w = filled((int64_t)d.out * d.in), *b = filled(d.out);
    const int with_bias = pick(0, 1), which = pick(0, 7);
    int ok = 1;
    /* AVX-512 first where it runs, then AVX2 (the fast kernels only; the portable pass once) */
    for (int avx512 = c4j_fast_kernels() && c4j_avx512_available(); avx512 >= 0 && ok; --avx512) {
        c4j_set_avx512(avx512);
        ok = forward_case(it, &d, x, w, with_bias ? b : NULL) && backward_case(it, &d, x, w, which);
        if (!ok) fprintf(stderr, "case %d (avx512 %d): n%d in%d out%d bias %d outputs %d\n", it, avx512, d.n, d.in, d.out,
                         with_bias, which);
        if (!c4j_fast_kernels()) break;
    }
    c4j_set_avx512(1);
    free(x); free(w); free(b);
    return !ok;
}

int main(int argc, char **argv) { return run_cases("linear_bounds", argc, argv, one_case); }

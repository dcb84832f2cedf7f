/* The bulk buffer operations under AddressSanitizer/UBSan (scripts/native-sanitize.sh): fill
 * (+0.0, which may take memset, -0.0, which may not, and other values) of a random range, the
 * elements outside it left as they were, and refused ranges writing nothing; copy, add and mul on lengths 0 to a few thousand,
 * buffers of exactly that length, outputs pre-filled with NaN (fill, copy, mul) or values the
 * sum must build on (add), against element-by-element references. */
#include "check.h"

/* Compared bit for bit: a fill of -0.0 must write -0.0, not the +0.0 of a memset; NaN outside
 * [begin, end) shows a write past the range. Then a range off the buffer (begin < 0, begin > end or
 * end > len) must be refused with nothing written. */
static int fill_case(int it, int64_t len) {
    const float values[3] = {0.0f, -0.0f, (float)pick(-1000, 1000) / 7.0f}, value = values[pick(0, 2)];
    const int64_t begin = pick(0, (int32_t)len), end = pick((int32_t)begin, (int32_t)len);
    float *x = nan_filled(len), *want = nan_filled(len);
    for (int64_t i = begin; i < end; ++i) want[i] = value;
    int ok = status_is("fill", it, c4j_fill(len, begin, end, value, x), C4J_OK) &&
             same_bits("fill", it, x, want, (size_t)len * sizeof(float));
    const int64_t bad[3][2] = {{-1, end}, {end + 1, end}, {begin, len + 1}};
    for (int b = 0; b < 3 && ok; ++b)
        ok = status_is("fill of a bad range", it, c4j_fill(len, bad[b][0], bad[b][1], value, x), C4J_EBADARG) &&
             unchanged("fill of a bad range", it, x, want, (size_t)len * sizeof(float));
    if (!ok) fprintf(stderr, "case %d: fill %g over [%lld, %lld)\n", it, value, (long long)begin, (long long)end);
    free(x); free(want);
    return ok;
}

/* op 0: dst = src (copy); 1: dst = dst0 + src (add); 2: dst = a*b (mul). */
static int binary_case(int it, int64_t len, int op) {
    static const char *const names[3] = {"copy", "add", "mul"};
    float *a = filled(len), *b = filled(len), *dst = op == 1 ? filled(len) : nan_filled(len);
    double *want = zeros(len);
    for (int64_t i = 0; i < len; ++i) want[i] = op == 0 ? a[i] : op == 1 ? (double)(dst[i] + a[i]) : (double)(a[i] * b[i]);
    if (op == 0) c4j_copy(len, a, dst);
    else if (op == 1) c4j_add(len, a, dst);
    else c4j_mul(len, a, b, dst);
    int ok = agrees(names[op], it, dst, want, len, 0.0);
    free(a); free(b); free(dst); free(want);
    return ok;
}

static int one_case(int it) {
    const int64_t len = pick(0, 3) == 0 ? pick(100, 3000) : pick(0, 40);
    int ok = fill_case(it, len) && binary_case(it, len, 0) && binary_case(it, len, 1) && binary_case(it, len, 2);
    if (!ok) fprintf(stderr, "case %d: length %lld\n", it, (long long)len);
    return !ok;
}

int main(int argc, char **argv) { return run_cases("tensor_bounds", argc, argv, one_case); }

/* The channel shuffle and channel slice under AddressSanitizer/UBSan (scripts/native-sanitize.sh):
 * random batches, groups, ranges and planes on buffers of exactly n x channels x plane floats,
 * outputs pre-filled with NaN, against naive index arithmetic; then ranges outside the input,
 * overflowing sizes, null and aliased pointers answered with C4J_EBADARG and no write. */
#include "check.h"

static int shuffle_case(int it, int32_t n, int64_t groups, int64_t per_group, int64_t plane) {
    const int64_t c = groups * per_group, len = n * c * plane;
    float *x = filled(len), *y = nan_filled(len), *back = nan_filled(len);
    double *want = zeros(len);
    for (int32_t s = 0; s < n; ++s)
        for (int64_t ch = 0; ch < c; ++ch)
            for (int64_t p = 0; p < plane; ++p) {
                const int64_t to = (ch % per_group) * groups + ch / per_group;
                want[(s * c + to) * plane + p] = x[(s * c + ch) * plane + p];
            }
    int ok = status_is("shuffle", it, c4j_channel_shuffle(n, groups, per_group, plane, x, y), C4J_OK) &&
             agrees("shuffled", it, y, want, len, 0) &&
             status_is("inverse", it, c4j_channel_shuffle(n, per_group, groups, plane, y, back), C4J_OK) &&
             same_bits("shuffled back", it, back, x, (size_t)len * sizeof(float));
    float *before = dup_of(y, (size_t)len * sizeof(float));
    ok = ok && status_is("in place", it, c4j_channel_shuffle(n, groups, per_group, plane, y, y), C4J_EBADARG) &&
         status_is("no groups", it, c4j_channel_shuffle(n, 0, per_group, plane, x, y), C4J_EBADARG) &&
         status_is("no samples", it, c4j_channel_shuffle(0, groups, per_group, plane, x, y), C4J_EBADARG) &&
         status_is("overflow", it, c4j_channel_shuffle(n, INT64_MAX / 2, 3, plane, x, y), C4J_EBADARG) &&
         status_is("null y", it, c4j_channel_shuffle(n, groups, per_group, plane, x, NULL), C4J_EBADARG) &&
         unchanged("y", it, y, before, (size_t)len * sizeof(float));
    free(x); free(y); free(back); free(want); free(before);
    return ok;
}

static int slice_case(int it, int32_t n, int64_t c, int64_t plane) {
    const int64_t start = pick(0, (int32_t)c - 1), count = pick(1, (int32_t)(c - start));
    const int64_t len = n * c * plane, out = n * count * plane;
    float *x = filled(len), *y = nan_filled(out), *dy = filled(out), *dx = nan_filled(len);
    double *want_y = zeros(out), *want_dx = zeros(len);
    for (int32_t s = 0; s < n; ++s)
        for (int64_t ch = 0; ch < count; ++ch)
            for (int64_t p = 0; p < plane; ++p) {
                want_y[(s * count + ch) * plane + p] = x[(s * c + start + ch) * plane + p];
                want_dx[(s * c + start + ch) * plane + p] = dy[(s * count + ch) * plane + p];
            }
    int ok = status_is("slice", it, c4j_channel_slice_forward(n, c, start, count, plane, x, y), C4J_OK) &&
             agrees("sliced", it, y, want_y, out, 0) &&
             status_is("slice backward", it, c4j_channel_slice_backward(n, c, start, count, plane, dy, dx), C4J_OK) &&
             agrees("dx", it, dx, want_dx, len, 0);
    float *before = dup_of(y, (size_t)out * sizeof(float));
    ok = ok && status_is("past the end", it, c4j_channel_slice_forward(n, c, start, c - start + 1, plane, x, y), C4J_EBADARG) &&
         status_is("negative start", it, c4j_channel_slice_forward(n, c, -1, count, plane, x, y), C4J_EBADARG) &&
         status_is("empty", it, c4j_channel_slice_forward(n, c, start, 0, plane, x, y), C4J_EBADARG) &&
         status_is("overflow", it, c4j_channel_slice_backward(n, INT64_MAX / 2, start, count, 4, dy, dx), C4J_EBADARG) &&
         status_is("null x", it, c4j_channel_slice_forward(n, c, start, count, plane, NULL, y), C4J_EBADARG) &&
         unchanged("y", it, y, before, (size_t)out * sizeof(float));
    free(x); free(y); free(dy); free(dx); free(want_y); free(want_dx); free(before);
    return ok;
}

static int one_case(int it) {
    const int32_t n = pick(1, 4), groups = pick(1, 5), per_group = pick(1, 6), plane = pick(1, 30);
    int ok = shuffle_case(it, n, groups, per_group, plane) && slice_case(it, n, groups * per_group, plane);
    if (!ok) fprintf(stderr, "case %d: n%d groups%d per_group%d plane%d\n", it, n, groups, per_group, plane);
    return !ok;
}

int main(int argc, char **argv) { return run_cases("channels_bounds", argc, argv, one_case); }

/* ReLU and inverted dropout under AddressSanitizer/UBSan (scripts/native-sanitize.sh): ReLU
 * forward and backward (of one gradient, and of the sum of two, bit for bit the mask of their
 * float sum) on a random sub-range [begin, end) of whole-batch buffers (inside written
 * exactly, outside left alone); dropout's mask holding only 0 and 1/(1-p), y = x*mask, the same
 * seed giving the same mask, about p of the elements dropped and p = 0 keeping everything. Buffers of exactly the documented
 * sizes, outputs pre-filled with NaN. */
#include "check.h"

static int relu_case(int it, int64_t len) {
    const int64_t begin = pick(0, (int32_t)len), end = pick((int32_t)begin, (int32_t)len);
    float *x = filled(len), *dy = filled(len), *dy2 = filled(len), *y = nan_filled(len), *dx = nan_filled(len),
          *dx2 = nan_filled(len);
    double *want_y = zeros(len), *want_dx = zeros(len), *want_dx2 = zeros(len);
    for (int64_t i = 0; i < len; ++i) {
        const int inside = i >= begin && i < end;
        want_y[i] = inside ? (x[i] > 0.0f ? x[i] : 0.0) : NAN;
        /* the backward reads y, the forward's output: only inside the range is it defined */
        want_dx[i] = inside ? (x[i] > 0.0f ? dy[i] : 0.0) : NAN;
        want_dx2[i] = inside ? (x[i] > 0.0f ? (float)(dy[i] + dy2[i]) : 0.0) : NAN;
    }
    c4j_relu_forward(begin, end, x, y);
    c4j_relu_backward(begin, end, y, dy, NULL, dx);
    c4j_relu_backward(begin, end, y, dy, dy2, dx2);
    int ok = 1;
    for (int64_t i = 0; i < len && ok; ++i) {
        const int inside = i >= begin && i < end;
        /* outside the range the NaN garbage must still be there */
        ok = inside ? agrees("relu y", it, y + i, want_y + i, 1, 0.0) && agrees("relu dx", it, dx + i, want_dx + i, 1, 0.0) &&
                          agrees("relu dx of a sum", it, dx2 + i, want_dx2 + i, 1, 0.0)
                    : isnan(y[i]) && isnan(dx[i]) && isnan(dx2[i]);
    }
    if (!ok) fprintf(stderr, "case %d: relu on [%lld, %lld) of %lld\n", it, (long long)begin, (long long)end, (long long)len);
    free(x); free(dy); free(dy2); free(y); free(dx); free(dx2); free(want_y); free(want_dx); free(want_dx2);
    return ok;
}

/* Every mask value is 0 or keep, and y = x*mask exactly. */
static int mask_ok(int it, int64_t len, float keep, const float *x, const float *y, const float *mask) {
    for (int64_t i = 0; i < len; ++i)
        if (!((mask[i] == 0.0f || mask[i] == keep) && y[i] == x[i] * mask[i])) {
            fprintf(stderr, "case %d: dropout [%lld] mask %g (keep %g), y %g for x %g\n", it, (long long)i, mask[i],
                    keep, y[i], x[i]);
            return 0;
        }
    return 1;
}

/* About p of the elements dropped (within 5 standard deviations of the binomial, a loose bound
 * for a fixed seed list) and none at all for p = 0. */
static int rate_ok(int it, int64_t len, float p, int64_t dropped) {
    const double slack = 5.0 * sqrt(p * (1.0 - p) * (double)len) + 1.0;
    if (p == 0.0f ? dropped == 0 : fabs((double)dropped - p * (double)len) <= slack) return 1;
    fprintf(stderr, "case %d: dropout p %g dropped %lld of %lld\n", it, p, (long long)dropped, (long long)len);
    return 0;
}

static int dropout_case(int it, int64_t len) {
    const float p = pick(0, 3) == 0 ? 0.0f : (float)pick(1, 9) / 10.0f, keep = 1.0f / (1.0f - p);
    const uint64_t seed = (uint64_t)pick(0, 1 << 30) * 2654435761u;
    float *x = filled(len), *x2 = filled(len), *y = nan_filled(len), *mask = nan_filled(len), *y2 = nan_filled(len),
          *mask2 = nan_filled(len);
    c4j_dropout_forward(len, p, seed, x, y, mask);
    /* the mask depends on (seed, i) only: other inputs, same mask */
    c4j_dropout_forward(len, p, seed, x2, y2, mask2);
    int64_t dropped = 0;
    for (int64_t i = 0; i < len; ++i) dropped += mask[i] == 0.0f;
    int ok = mask_ok(it, len, keep, x, y, mask) && mask_ok(it, len, keep, x2, y2, mask2) &&
             unchanged("the mask of a second run with the same seed", it, mask2, mask, (size_t)len * sizeof(float)) &&
             rate_ok(it, len, p, dropped);
    free(x); free(x2); free(y); free(mask); free(y2); free(mask2);
    return ok;
}

static int one_case(int it) {
    const int64_t len = pick(0, 3) == 0 ? pick(100, 2000) : pick(0, 40);
    return !(relu_case(it, len) && dropout_case(it, len));
}

int main(int argc, char **argv) { return run_cases("activation_bounds", argc, argv, one_case); }

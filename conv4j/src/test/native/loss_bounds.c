/* Softmax cross-entropy and softmax under AddressSanitizer/UBSan (scripts/native-sanitize.sh):
 * logits small and large (the log-sum-exp form must stay finite), dlogits and correct present
 * or NULL, a label outside [0, classes) answered with C4J_ELABEL and no write, on buffers of
 * exactly the documented sizes with outputs pre-filled with NaN, against a naive reference. */
#include "check.h"

/* Row i's softmax in double, and the index of its first maximum; *lse (if not NULL) the log of
 * the shifted sum, for log p_j = z_j - max - *lse: log(p_j) itself loses digits where p_j is
 * subnormal (a logit ~740 below the row's maximum), which the library's loss does not. */
static int32_t softmax_row(const float *z, int32_t c, double *p, double *lse) {
    int32_t best = 0;
    for (int32_t j = 1; j < c; ++j)
        if (z[j] > z[best]) best = j;
    double sum = 0.0;
    for (int32_t j = 0; j < c; ++j) sum += exp((double)z[j] - z[best]);
    for (int32_t j = 0; j < c; ++j) p[j] = exp((double)z[j] - z[best]) / sum;
    if (lse) *lse = log(sum);
    return best;
}

static int cross_entropy_case(int it, int32_t n, int32_t c, const float *logits, const int32_t *labels) {
    const int64_t len = (int64_t)n * c;
    const int with_grad = pick(0, 1), with_correct = pick(0, 1);
    float loss = NAN, *dlogits = with_grad ? nan_filled(len) : NULL;
    int32_t correct = -1;
    double *p = zeros(len), *want_d = zeros(len), want_loss = 0.0;
    int32_t hits = 0;
    for (int32_t i = 0; i < n; ++i) {
        const float *z = logits + (int64_t)i * c;
        double lse;
        int32_t best = softmax_row(z, c, p + (int64_t)i * c, &lse);
        hits += best == labels[i];
        want_loss -= ((double)z[labels[i]] - z[best] - lse) / n;
        for (int32_t j = 0; j < c; ++j) want_d[(int64_t)i * c + j] = (p[(int64_t)i * c + j] - (j == labels[i])) / n;
    }
    int rc = c4j_softmax_cross_entropy(n, c, logits, labels, &loss, dlogits, with_correct ? &correct : NULL);
    int ok = status_is("softmax_cross_entropy", it, rc, C4J_OK) && agrees("loss", it, &loss, &want_loss, 1, 1e-5) &&
             (!dlogits || agrees("dlogits", it, dlogits, want_d, len, 1e-6)) &&
             (!with_correct || correct == hits || (fprintf(stderr, "case %d: correct %d, reference %d\n", it, correct, hits), 0));
    free(dlogits); free(p); free(want_d);
    return ok;
}

/* One label moved outside [0, c): C4J_ELABEL, and loss, dlogits and correct left as they were. */
static int bad_label_case(int it, int32_t n, int32_t c, const float *logits, const int32_t *labels) {
    const int64_t len = (int64_t)n * c;
    int32_t *bad = dup_of(labels, (size_t)n * sizeof(int32_t));
    const int32_t row = pick(0, n - 1); /* drawn apart: an assignment's operands are unsequenced */
    bad[row] = pick(0, 1) ? -pick(1, 3) : c + pick(0, 2);
    float loss = 7.0f, *dlogits = filled(len), *before = dup_of(dlogits, (size_t)len * sizeof(float));
    int32_t correct = -7;
    int rc = c4j_softmax_cross_entropy(n, c, logits, bad, &loss, dlogits, &correct);
    int ok = status_is("label out of range", it, rc, C4J_ELABEL) &&
             unchanged("dlogits", it, dlogits, before, (size_t)len * sizeof(float)) &&
             (loss == 7.0f && correct == -7 ? 1 : (fprintf(stderr, "case %d: loss/correct written\n", it), 0)) &&
             status_is("no rows", it, c4j_softmax_cross_entropy(0, c, logits, labels, &loss, NULL, NULL), C4J_EBADARG);
    /* the smoothed and weighted forms check the same way (loss.c's check_args): the label, and
     * for the weighted one a bad class weight before it (EBADARG, though a label is bad too) */
    float *weights = filled(c);
    for (int32_t j = 0; j < c; ++j) weights[j] = fabsf(weights[j]);
    rc = c4j_softmax_cross_entropy_smoothed(n, c, 0.1f, logits, bad, &loss, dlogits, &correct);
    ok = ok && status_is("smoothed, label out of range", it, rc, C4J_ELABEL);
    rc = c4j_softmax_cross_entropy_weighted(n, c, 0.1f, weights, logits, bad, &loss, dlogits, &correct);
    ok = ok && status_is("weighted, label out of range", it, rc, C4J_ELABEL);
    weights[pick(0, c - 1)] = pick(0, 1) ? -1.0f : INFINITY;
    rc = c4j_softmax_cross_entropy_weighted(n, c, 0.1f, weights, logits, bad, &loss, dlogits, &correct);
    ok = ok && status_is("weighted, bad weight and label", it, rc, C4J_EBADARG) &&
         unchanged("dlogits", it, dlogits, before, (size_t)len * sizeof(float)) &&
         (loss == 7.0f && correct == -7 ? 1 : (fprintf(stderr, "case %d: loss/correct written\n", it), 0));
    free(weights);
    free(bad); free(dlogits); free(before);
    return ok;
}

static int softmax_case(int it, int32_t n, int32_t c, const float *logits) {
    const int64_t len = (int64_t)n * c;
    float *probs = nan_filled(len);
    double *want = zeros(len);
    for (int32_t i = 0; i < n; ++i) softmax_row(logits + (int64_t)i * c, c, want + (int64_t)i * c, NULL);
    c4j_softmax(n, c, logits, probs);
    int ok = agrees("probs", it, probs, want, len, 1e-6);
    free(probs); free(want);
    return ok;
}

static int one_case(int it) {
    const int32_t n = pick(1, 8), c = pick(1, 20);
    const float scale = pick(0, 3) == 0 ? 200.0f : 5.0f; /* large logits overflow a naive exp */
    float *logits = filled((int64_t)n * c);
    for (int64_t i = 0; i < (int64_t)n * c; ++i) logits[i] *= scale;
    /* now and then one logit per row far above the rest: exp overflows unless the true row
     * maximum is subtracted first */
    if (pick(0, 3) == 0)
        for (int32_t i = 0; i < n; ++i) logits[(int64_t)i * c + pick(0, c - 1)] += 500.0f;
    int32_t *labels = malloc((size_t)n * sizeof(int32_t));
    for (int32_t i = 0; i < n; ++i) labels[i] = pick(0, c - 1);
    int ok = cross_entropy_case(it, n, c, logits, labels) && bad_label_case(it, n, c, logits, labels) &&
             softmax_case(it, n, c, logits);
    if (!ok) fprintf(stderr, "case %d: n%d c%d scale %g\n", it, n, c, scale);
    free(logits); free(labels);
    return !ok;
}

int main(int argc, char **argv) { return run_cases("loss_bounds", argc, argv, one_case); }

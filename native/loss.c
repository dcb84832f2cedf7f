/* Softmax cross-entropy with mean reduction, in the log-sum-exp form so logits of any
 * magnitude neither overflow nor lose the gradient. */
#include <math.h>
#include <stddef.h>
#include "conv4j.h"

int c4j_softmax_cross_entropy(int32_t n, int32_t c, const float *logits, const int32_t *labels,
                              float *loss, float *dlogits, int32_t *correct) {
    return c4j_softmax_cross_entropy_smoothed(n, c, 0.0f, logits, labels, loss, dlogits, correct);
}

/* The arguments both losses check, in this order: n and c positive, smoothing in [0, 1], the
 * class weights (if any) non-negative and finite, every label a class. */
static int check_args(int32_t n, int32_t c, float smoothing, const float *weights, const int32_t *labels) {
    if (n <= 0 || c <= 0 || !(smoothing >= 0.0f && smoothing <= 1.0f)) return C4J_EBADARG;
    if (weights)
        for (int32_t j = 0; j < c; ++j)
            if (!(weights[j] >= 0.0f) || isinf(weights[j])) return C4J_EBADARG;
    for (int32_t i = 0; i < n; ++i)
        if ((uint32_t)labels[i] >= (uint32_t)c) return C4J_ELABEL;
    return C4J_OK;
}

/* A row's argmax, its max logit, log(sum_j exp(z_j - max)) (the shifted log-sum-exp) and
 * sum_j w_j*(z_j - max) (w = 1 where weights is NULL: then the plain sum, no product taken). */
static int32_t row_terms(int32_t c, const float *z, const float *weights, double *zmax, double *log_sum,
                         double *shifted) {
    int32_t best = 0;
    for (int32_t j = 1; j < c; ++j)
        if (z[j] > z[best]) best = j;
    *zmax = z[best];
    double sum = 0.0;
    for (int32_t j = 0; j < c; ++j) sum += exp(z[j] - *zmax);
    *log_sum = log(sum);
    double s = 0.0;
    if (weights)
        for (int32_t j = 0; j < c; ++j) s += weights[j] * (z[j] - *zmax);
    else
        for (int32_t j = 0; j < c; ++j) s += z[j] - *zmax;
    *shifted = s;
    return best;
}

/* With the target t = (1-eps)*onehot + eps/c and z' = z - max: the row's loss is
 * sum_j t_j*(lse - z'_j) = lse - (1-eps)*z'_label - (eps/c)*sum_j z'_j (the t_j sum to 1), and
 * its gradient softmax - t. eps = 0 computes exactly the unsmoothed terms. */
int c4j_softmax_cross_entropy_smoothed(int32_t n, int32_t c, float smoothing, const float *logits,
                                       const int32_t *labels, float *loss, float *dlogits, int32_t *correct) {
    const int status = check_args(n, c, smoothing, NULL, labels);
    if (status != C4J_OK) return status;
    const double eps = smoothing, spread = eps / c;
    double total = 0.0;
    int32_t hits = 0;
    for (int32_t i = 0; i < n; ++i) {
        const float *z = logits + (int64_t)i * c;
        double zmax, log_sum, shifted;
        const int32_t best = row_terms(c, z, NULL, &zmax, &log_sum, &shifted);
        total += log_sum - (1.0 - eps) * (z[labels[i]] - zmax);
        if (eps != 0.0) total -= spread * shifted;
        hits += best == labels[i];
        if (dlogits) {
            float *d = dlogits + (int64_t)i * c;
            for (int32_t j = 0; j < c; ++j)
                d[j] = (float)((exp(z[j] - zmax - log_sum) - (1.0 - eps) * (j == labels[i]) - spread) / n);
        }
    }
    loss[0] = (float)(total / n);
    if (correct) correct[0] = hits;
    return C4J_OK;
}

/* PyTorch's cross_entropy(weight=w, label_smoothing=eps), mean reduction. With W = sum_i w[y_i],
 * S = sum_j w_j and -log p_ij = lse_i - z'_ij:
 *   loss = [(1-eps) sum_i w[y_i](lse_i - z'_{i,y_i}) + (eps/c) sum_i (S lse_i - sum_j w_j z'_ij)] / W
 *   dloss/dz_ik = [(1-eps) w[y_i](p_ik - [k = y_i]) + (eps/c)(S p_ik - w_k)] / W.
 * w = 1 gives the unweighted formulas (W = n, S = c). W = 0 (no target with weight) has no mean: EBADARG. */
int c4j_softmax_cross_entropy_weighted(int32_t n, int32_t c, float smoothing, const float *weights,
                                       const float *logits, const int32_t *labels, float *loss,
                                       float *dlogits, int32_t *correct) {
    const int status = check_args(n, c, smoothing, weights, labels);
    if (status != C4J_OK) return status;
    double total_weight = 0.0, weight_sum = 0.0;
    for (int32_t j = 0; j < c; ++j) weight_sum += weights[j];
    for (int32_t i = 0; i < n; ++i) total_weight += weights[labels[i]];
    if (!(total_weight > 0.0)) return C4J_EBADARG;
    const double eps = smoothing, spread = eps / c;
    double total = 0.0;
    int32_t hits = 0;
    for (int32_t i = 0; i < n; ++i) {
        const float *z = logits + (int64_t)i * c;
        double zmax, log_sum, weighted_shifted;
        const int32_t best = row_terms(c, z, weights, &zmax, &log_sum, &weighted_shifted);
        const double wy = weights[labels[i]];
        total += (1.0 - eps) * wy * (log_sum - (z[labels[i]] - zmax)) + spread * (weight_sum * log_sum - weighted_shifted);
        hits += best == labels[i];
        if (dlogits) {
            float *d = dlogits + (int64_t)i * c;
            for (int32_t j = 0; j < c; ++j) {
                const double p = exp(z[j] - zmax - log_sum);
                d[j] = (float)(((1.0 - eps) * wy * (p - (j == labels[i])) + spread * (weight_sum * p - weights[j])) / total_weight);
            }
        }
    }
    loss[0] = (float)(total / total_weight);
    if (correct) correct[0] = hits;
    return C4J_OK;
}

/* The inference softmax is softmax.c's forward (n and c are positive here, so it cannot refuse). */
void c4j_softmax(int32_t n, int32_t c, const float *logits, float *probs) {
    (void)c4j_softmax_forward(n, c, 0, logits, probs);
}

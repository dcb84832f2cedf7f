/* Softmax cross-entropy with mean reduction, in the log-sum-exp form so logits of any
 * magnitude neither overflow nor lose the gradient. */
#include <math.h>
#include "conv4j.h"

int c4j_softmax_cross_entropy(int32_t n, int32_t c, const float *logits, const int32_t *labels,
                              float *loss, float *dlogits, int32_t *correct) {
    return c4j_softmax_cross_entropy_smoothed(n, c, 0.0f, logits, labels, loss, dlogits, correct);
}

/* With the target t = (1-eps)*onehot + eps/c and z' = z - max: the row's loss is
 * sum_j t_j*(lse - z'_j) = lse - (1-eps)*z'_label - (eps/c)*sum_j z'_j (the t_j sum to 1), and
 * its gradient softmax - t. eps = 0 computes exactly the unsmoothed terms. */
int c4j_softmax_cross_entropy_smoothed(int32_t n, int32_t c, float smoothing, const float *logits,
                                       const int32_t *labels, float *loss, float *dlogits, int32_t *correct) {
    if (n <= 0 || c <= 0 || !(smoothing >= 0.0f && smoothing <= 1.0f)) return C4J_EBADARG;
    for (int32_t i = 0; i < n; ++i)
        if ((uint32_t)labels[i] >= (uint32_t)c) return C4J_ELABEL;
    const double eps = smoothing, spread = eps / c;
    double total = 0.0;
    int32_t hits = 0;
    for (int32_t i = 0; i < n; ++i) {
        const float *z = logits + (int64_t)i * c;
        int32_t best = 0;
        for (int32_t j = 1; j < c; ++j)
            if (z[j] > z[best]) best = j;
        const double zmax = z[best];
        double sum = 0.0, shifted = 0.0;
        for (int32_t j = 0; j < c; ++j) {
            sum += exp(z[j] - zmax);
            shifted += z[j] - zmax;
        }
        const double log_sum = log(sum);
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

/* The inference softmax is softmax.c's forward (n and c are positive here, so it cannot refuse). */
void c4j_softmax(int32_t n, int32_t c, const float *logits, float *probs) {
    (void)c4j_softmax_forward(n, c, 0, logits, probs);
}

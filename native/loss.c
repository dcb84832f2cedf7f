/* Softmax cross-entropy with mean reduction, in the log-sum-exp form so logits of any
 * magnitude neither overflow nor lose the gradient. */
#include <math.h>
#include "conv4j.h"

int c4j_softmax_cross_entropy(int32_t n, int32_t c, const float *logits, const int32_t *labels,
                              float *loss, float *dlogits, int32_t *correct) {
    if (n <= 0 || c <= 0) return C4J_EBADARG;
    for (int32_t i = 0; i < n; ++i)
        if ((uint32_t)labels[i] >= (uint32_t)c) return C4J_ELABEL;
    double total = 0.0;
    int32_t hits = 0;
    for (int32_t i = 0; i < n; ++i) {
        const float *z = logits + (int64_t)i * c;
        int32_t best = 0;
        for (int32_t j = 1; j < c; ++j)
            if (z[j] > z[best]) best = j;
        const double zmax = z[best];
        double sum = 0.0;
        for (int32_t j = 0; j < c; ++j) sum += exp(z[j] - zmax);
        const double log_sum = log(sum);
        total += log_sum - (z[labels[i]] - zmax);
        hits += best == labels[i];
        if (dlogits) {
            float *d = dlogits + (int64_t)i * c;
            for (int32_t j = 0; j < c; ++j)
                d[j] = (float)((exp(z[j] - zmax - log_sum) - (j == labels[i])) / n);
        }
    }
    loss[0] = (float)(total / n);
    if (correct) correct[0] = hits;
    return C4J_OK;
}

void c4j_softmax(int32_t n, int32_t c, const float *logits, float *probs) {
    for (int32_t i = 0; i < n; ++i) {
        const float *z = logits + (int64_t)i * c;
        float *pr = probs + (int64_t)i * c;
        float zmax = z[0];
        for (int32_t j = 1; j < c; ++j) zmax = z[j] > zmax ? z[j] : zmax;
        double sum = 0.0;
        for (int32_t j = 0; j < c; ++j) sum += exp((double)z[j] - zmax);
        for (int32_t j = 0; j < c; ++j) pr[j] = (float)(exp((double)z[j] - zmax) / sum);
    }
}

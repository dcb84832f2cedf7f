/*
 * channels.c — the kernels of the channel layers ShuffleNet needs: the channel shuffle (a fixed
 * permutation of the channel planes) and the channel slice (a contiguous range of channels). Both
 * are pure copies of whole planes over the batch in one call. The Java side checks every shape
 * first; these re-check the sizes and pointers they are given and answer C4J_EBADARG instead of
 * reading or writing outside the n x channels x plane floats of each buffer.
 */
#include "conv4j.h"

#include <stddef.h>
#include <string.h>

/* Whether n samples of channels x plane floats are positive sizes whose product fits in int64_t. */
static int fits(int32_t n, int64_t channels, int64_t plane) {
    return n >= 1 && channels >= 1 && plane >= 1 && channels <= INT64_MAX / plane
        && channels * plane <= INT64_MAX / n;
}

int c4j_channel_shuffle(int32_t n, int64_t groups, int64_t per_group, int64_t plane, const float *x, float *y) {
    if (groups < 1 || per_group < 1 || groups > INT64_MAX / per_group || !fits(n, groups * per_group, plane)
        || x == NULL || y == NULL || x == y)
        return C4J_EBADARG;
    const int64_t channels = groups * per_group, sample = channels * plane;
    const size_t bytes = (size_t)plane * sizeof(float);
    for (int32_t s = 0; s < n; ++s) {
        const float *xs = x + s * sample;
        float *ys = y + s * sample;
        /* view(groups, per_group) then transpose: channel g*per_group + j goes to j*groups + g */
        for (int64_t g = 0; g < groups; ++g)
            for (int64_t j = 0; j < per_group; ++j)
                memcpy(ys + (j * groups + g) * plane, xs + (g * per_group + j) * plane, bytes);
    }
    return C4J_OK;
}

/* Checks a slice [start, start + count) of channels; returns nonzero when it is inside. */
static int slice_fits(int32_t n, int64_t channels, int64_t start, int64_t count, int64_t plane) {
    return fits(n, channels, plane) && start >= 0 && count >= 1 && start <= channels - count;
}

int c4j_channel_slice_forward(int32_t n, int64_t channels, int64_t start, int64_t count, int64_t plane,
                              const float *x, float *y) {
    if (!slice_fits(n, channels, start, count, plane) || x == NULL || y == NULL) return C4J_EBADARG;
    const int64_t in = channels * plane, out = count * plane;
    for (int32_t s = 0; s < n; ++s) memcpy(y + s * out, x + s * in + start * plane, (size_t)out * sizeof(float));
    return C4J_OK;
}

int c4j_channel_slice_backward(int32_t n, int64_t channels, int64_t start, int64_t count, int64_t plane,
                               const float *dy, float *dx) {
    if (!slice_fits(n, channels, start, count, plane) || dy == NULL || dx == NULL) return C4J_EBADARG;
    const int64_t in = channels * plane, out = count * plane, before = start * plane;
    const int64_t after = in - before - out;
    for (int32_t s = 0; s < n; ++s) {
        float *d = dx + s * in;
        /* the channels the slice did not read get no gradient from it */
        memset(d, 0, (size_t)before * sizeof(float));
        memcpy(d + before, dy + s * out, (size_t)out * sizeof(float));
        memset(d + before + out, 0, (size_t)after * sizeof(float));
    }
    return C4J_OK;
}

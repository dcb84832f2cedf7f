package io.github.conv4j.nn;

/**
 * Batch normalisation per feature of N×C (PyTorch's BatchNorm1d on 2-D input, e.g. between
 * linear layers): batch statistics in training (biased variance to normalise, the unbiased one
 * into the running variance, momentum 0.1 by default), running statistics in evaluation.
 * Parameters γ (init 1) and β (init 0); state: running mean (0) and variance (1). It runs
 * {@link BatchNorm2d}'s kernel with H·W = 1, which is exactly this math.
 */
public final class BatchNorm1d extends BatchNormLayer {
    /** Batch normalisation of {@code features} features with PyTorch's defaults (eps 1e-5, momentum 0.1). */
    public BatchNorm1d(int features) { this(features, 1e-5f, 0.1f); }

    /** Batch normalisation with the given epsilon (&gt; 0) and running-statistics momentum (in [0, 1]). */
    public BatchNorm1d(int features, float eps, float momentum) {
        super(new BatchNormSettings("BatchNorm1d", "features", features, eps, momentum));
    }
}

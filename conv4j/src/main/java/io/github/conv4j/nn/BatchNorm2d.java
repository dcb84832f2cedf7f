package io.github.conv4j.nn;

/**
 * Batch normalisation per channel of N×C×H×W (PyTorch's BatchNorm2d): batch statistics in
 * training (updating running mean/variance with momentum 0.1), running statistics in evaluation.
 * Parameters γ (init 1) and β (init 0); state: running mean (0) and variance (1). The backward
 * follows the last forward's mode, as PyTorch's: after an evaluation forward the running
 * statistics are constants (fine-tuning with frozen statistics).
 */
public final class BatchNorm2d extends BatchNormLayer {
    /** Batch normalisation of {@code channels} channels with PyTorch's defaults (eps 1e-5, momentum 0.1). */
    public BatchNorm2d(int channels) { this(channels, 1e-5f, 0.1f); }

    /** Batch normalisation with the given epsilon (&gt; 0) and running-statistics momentum (in [0, 1]). */
    public BatchNorm2d(int channels, float eps, float momentum) {
        super(new BatchNormSettings("BatchNorm2d", "channels", channels, eps, momentum), "H", "W");
    }
}

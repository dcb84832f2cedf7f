package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batch normalisation per channel of N×C×H×W (PyTorch's BatchNorm2d): batch statistics in
 * training (updating running mean/variance with momentum 0.1), running statistics in evaluation.
 * Parameters γ (init 1) and β (init 0); state: running mean (0) and variance (1). The backward
 * follows the last forward's mode, as PyTorch's: after an evaluation forward the running
 * statistics are constants (fine-tuning with frozen statistics).
 */
public final class BatchNorm2d implements Layer {
    private final BatchNormSettings settings;

    /** Batch normalisation of {@code channels} channels with PyTorch's defaults (eps 1e-5, momentum 0.1). */
    public BatchNorm2d(int channels) { this(channels, 1e-5f, 0.1f); }

    /** Batch normalisation with the given epsilon (&gt; 0) and running-statistics momentum (in [0, 1]). */
    public BatchNorm2d(int channels, float eps, float momentum) {
        settings = new BatchNormSettings("BatchNorm2d", "channels", channels, eps, momentum);
    }

    @Override public String spec() { return settings.spec(); }

    /** The epsilon added to the variance: what {@link BatchNormFolding} needs to fold the running statistics. */
    float eps() { return settings.eps(); }

    @Override public String describe() { return settings.describe(); }

    @Override public Shape outputShape(Shape input) {
        Layer.requireRank(describe(), input, 4, "N×C×H×W");
        if (input.dim(1) != settings.count())
            throw new IllegalArgumentException(describe() + ": expected input [N, " + settings.count() + ", H, W], got " + input);
        return input;
    }

    @Override public List<Shape> parameterShapes() { return settings.parameterShapes(); }
    @Override public List<Shape> stateShapes() { return settings.stateShapes(); }

    @Override public void initialize(List<Tensor> params, List<Tensor> state, SplittableRandom rng) { settings.initialize(params, state); }

    @Override public long flops(Shape sampleInput) { return 2 * sampleInput.size(); }

    @Override public Op create(LayerContext ctx) {
        Shape sample = ctx.sampleInput();
        outputShape(sample.prependBatch(1));
        return settings.runtime(ctx, (long) sample.dim(1) * sample.dim(2));
    }
}

package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batch normalisation per feature of N×C (PyTorch's BatchNorm1d on 2-D input, e.g. between
 * linear layers): batch statistics in training (biased variance to normalise, the unbiased one
 * into the running variance, momentum 0.1 by default), running statistics in evaluation.
 * Parameters γ (init 1) and β (init 0); state: running mean (0) and variance (1). It runs
 * {@link BatchNorm2d}'s kernel with H·W = 1, which is exactly this math.
 */
public final class BatchNorm1d implements Layer {
    private final BatchNormSettings settings;

    /** Batch normalisation of {@code features} features with PyTorch's defaults (eps 1e-5, momentum 0.1). */
    public BatchNorm1d(int features) { this(features, 1e-5f, 0.1f); }

    /** Batch normalisation with the given epsilon (&gt; 0) and running-statistics momentum (in [0, 1]). */
    public BatchNorm1d(int features, float eps, float momentum) {
        settings = new BatchNormSettings("BatchNorm1d", "features", features, eps, momentum);
    }

    @Override public String spec() { return settings.spec(); }

    @Override public String describe() { return settings.describe(); }

    @Override public Shape outputShape(Shape input) {
        Layer.requireRank(describe(), input, 2, "N×C");
        if (input.dim(1) != settings.count())
            throw new IllegalArgumentException(describe() + ": expected input [N, " + settings.count() + "], got " + input);
        return input;
    }

    @Override public List<Shape> parameterShapes() { return settings.parameterShapes(); }
    @Override public List<Shape> stateShapes() { return settings.stateShapes(); }

    @Override public void initialize(List<Tensor> params, List<Tensor> state, SplittableRandom rng) { settings.initialize(params, state); }

    @Override public long flops(Shape sampleInput) { return 2 * sampleInput.size(); }

    @Override public Op create(LayerContext ctx) {
        Shape sample = ctx.sampleInput();
        outputShape(sample.prependBatch(1));
        return settings.runtime(ctx, 1);
    }
}

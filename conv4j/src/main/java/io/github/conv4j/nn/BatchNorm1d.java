package io.github.conv4j.nn;

import static io.github.conv4j.nn.Checks.positive;

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
    private final int features;
    private final float eps, momentum;

    /** Batch normalisation of {@code features} features with PyTorch's defaults (eps 1e-5, momentum 0.1). */
    public BatchNorm1d(int features) { this(features, 1e-5f, 0.1f); }

    /** Batch normalisation with the given epsilon (&gt; 0) and running-statistics momentum (in [0, 1]). */
    public BatchNorm1d(int features, float eps, float momentum) {
        this.features = positive("BatchNorm1d", "features", features);
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1))
            throw new IllegalArgumentException("BatchNorm1d: eps must be > 0 and momentum in [0, 1], got " + eps + ", " + momentum);
        this.eps = eps;
        this.momentum = momentum;
    }

    @Override public String spec() { return "BatchNorm1d features=" + features + " eps=" + eps + " momentum=" + momentum; }

    @Override public String describe() { return "BatchNorm1d(" + features + ")"; }

    @Override public Shape outputShape(Shape input) {
        Layer.requireRank(describe(), input, 2, "N×C");
        if (input.dim(1) != features)
            throw new IllegalArgumentException(describe() + ": expected input [N, " + features + "], got " + input);
        return input;
    }

    @Override public List<Shape> parameterShapes() { return List.of(Shape.of(features), Shape.of(features)); }
    @Override public List<Shape> stateShapes() { return List.of(Shape.of(features), Shape.of(features)); }

    @Override public void initialize(List<Tensor> params, List<Tensor> state, SplittableRandom rng) {
        params.get(0).fill(1f);
        params.get(1).fill(0f);
        state.get(0).fill(0f);
        state.get(1).fill(1f);
    }

    @Override public long flops(Shape sampleInput) { return 2 * sampleInput.size(); }

    @Override public Op create(LayerContext ctx) {
        outputShape(ctx.sampleInput().prependBatch(1));
        return BatchNorm2d.runtime(ctx, describe(), features, 1, eps, momentum);
    }
}

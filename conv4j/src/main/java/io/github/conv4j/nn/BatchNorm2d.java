package io.github.conv4j.nn;

import static io.github.conv4j.nn.Checks.positive;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batch normalisation per channel of N×C×H×W (PyTorch's BatchNorm2d): batch statistics in
 * training (updating running mean/variance with momentum 0.1), running statistics in evaluation.
 * Parameters γ (init 1) and β (init 0); state: running mean (0) and variance (1).
 */
public final class BatchNorm2d implements Layer {
    private final int channels;
    private final float eps, momentum;

    /** Batch normalisation of {@code channels} channels with PyTorch's defaults (eps 1e-5, momentum 0.1). */
    public BatchNorm2d(int channels) { this(channels, 1e-5f, 0.1f); }

    /** Batch normalisation with the given epsilon and running-statistics momentum. */
    public BatchNorm2d(int channels, float eps, float momentum) {
        this.channels = positive("BatchNorm2d", "channels", channels);
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1))
            throw new IllegalArgumentException("BatchNorm2d: eps must be > 0 and momentum in [0, 1], got " + eps + ", " + momentum);
        this.eps = eps;
        this.momentum = momentum;
    }

    @Override public String spec() { return "BatchNorm2d channels=" + channels + " eps=" + eps + " momentum=" + momentum; }

    @Override public String describe() { return "BatchNorm2d(" + channels + ")"; }

    @Override public Shape outputShape(Shape input) {
        Layer.requireRank(describe(), input, 4, "N×C×H×W");
        if (input.dim(1) != channels)
            throw new IllegalArgumentException(describe() + ": expected input [N, " + channels + ", H, W], got " + input);
        return input;
    }

    @Override public List<Shape> parameterShapes() { return List.of(Shape.of(channels), Shape.of(channels)); }
    @Override public List<Shape> stateShapes() { return List.of(Shape.of(channels), Shape.of(channels)); }

    @Override public void initialize(List<Tensor> params, List<Tensor> state, SplittableRandom rng) {
        params.get(0).fill(1f);
        params.get(1).fill(0f);
        state.get(0).fill(0f);
        state.get(1).fill(1f);
    }

    @Override public long flops(Shape sampleInput) { return 2 * sampleInput.size(); }

    @Override public Op create(LayerContext ctx) {
        String name = ctx.name() + " " + describe();
        Shape sample = ctx.sampleInput();
        outputShape(sample.prependBatch(1));
        long hw = (long) sample.dim(1) * sample.dim(2);
        Tensor gamma = ctx.params().get(0), beta = ctx.params().get(1);
        Tensor dgamma = ctx.grads().isEmpty() ? null : ctx.grads().get(0);
        Tensor dbeta = ctx.grads().isEmpty() ? null : ctx.grads().get(1);
        Tensor runMean = ctx.state().get(0), runVar = ctx.state().get(1);
        return new Op() {
            private final BatchBuffer y = new BatchBuffer(sample), dx = new BatchBuffer(sample);
            private final Tensor saveMean = Tensor.zeros(channels), saveInvstd = Tensor.zeros(channels);
            private Tensor x;
            private boolean trained;

            @Override public Tensor forward(Tensor input, boolean training) {
                int n = Checks.batchOf(name, input, sample);
                Tensor o = y.get(n);
                Conv4jNative.batchNorm2dForward(n, channels, hw, training ? 1 : 0, eps, momentum, input.pointer(),
                        gamma.pointer(), beta.pointer(), runMean.pointer(), runVar.pointer(), saveMean.pointer(),
                        saveInvstd.pointer(), o.pointer());
                x = input;
                trained = training;
                return o;
            }

            @Override public Tensor backward(Tensor dy, boolean needInputGradient) {
                if (x == null) throw new IllegalStateException(name + ": backward without a forward pass");
                Checks.outputGradient(name, x.shape(), dy);
                Tensor g = needInputGradient ? dx.get(x.dim(0)) : null;
                // after an evaluation-mode forward the statistics were the running ones, constants
                if (trained)
                    Conv4jNative.batchNorm2dBackward(x.dim(0), channels, hw, x.pointer(), gamma.pointer(), saveMean.pointer(),
                            saveInvstd.pointer(), dy.pointer(), g == null ? null : g.pointer(),
                            dgamma == null ? null : dgamma.pointer(), dbeta == null ? null : dbeta.pointer());
                else
                    Conv4jNative.batchNorm2dBackwardEval(x.dim(0), channels, hw, x.pointer(), gamma.pointer(), saveMean.pointer(),
                            saveInvstd.pointer(), dy.pointer(), g == null ? null : g.pointer(),
                            dgamma == null ? null : dgamma.pointer(), dbeta == null ? null : dbeta.pointer());
                return g;
            }

            @Override public void close() { y.close(); dx.close(); saveMean.close(); saveInvstd.close(); }
        };
    }
}

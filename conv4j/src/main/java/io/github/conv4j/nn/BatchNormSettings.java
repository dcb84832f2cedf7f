package io.github.conv4j.nn;

import static io.github.conv4j.nn.Checks.positive;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share: the per-channel count, epsilon and
 * momentum (checked), their spec and description, γ/β and the running statistics with PyTorch's
 * initial values, and the runtime over N×C×hw (hw = H·W for 2-D, 1 for 1-D: the same kernel and
 * the same math, the statistics of a channel running over N·hw values).
 *
 * @param kind     the layer's type name ("BatchNorm2d")
 * @param countKey the spec key of the count ("channels" or "features")
 */
record BatchNormSettings(String kind, String countKey, int count, float eps, float momentum) {
    BatchNormSettings {
        positive(kind, countKey, count);
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1))
            throw new IllegalArgumentException(kind + ": eps must be > 0 and momentum in [0, 1], got " + eps + ", " + momentum);
    }

    String spec() { return kind + " " + countKey + "=" + count + " eps=" + eps + " momentum=" + momentum; }

    String describe() { return kind + "(" + count + ")"; }

    /** γ and β. */
    List<Shape> parameterShapes() { return List.of(Shape.of(count), Shape.of(count)); }

    /** Running mean and variance. */
    List<Shape> stateShapes() { return List.of(Shape.of(count), Shape.of(count)); }

    /** γ = 1, β = 0, running mean 0, running variance 1 (PyTorch's). */
    void initialize(List<Tensor> params, List<Tensor> state) {
        params.get(0).fill(1f);
        params.get(1).fill(0f);
        state.get(0).fill(0f);
        state.get(1).fill(1f);
    }

    /**
     * The runtime over N×C×hw of the layer in {@code ctx}: its passes over the data split the
     * batch over the workers as the convolutions do (so each reads the images it wrote), the
     * per-channel statistics between them one native call over the batch's sums (added in image
     * order: the split changes no result). It can rectify its own output for the ReLU after it
     * ({@link Op#fuseReluForward()}), then take that ReLU's backward too, and leave its
     * normalisation to the addition reading it ({@link NormOp}).
     */
    Op runtime(LayerContext ctx, long hw) {
        String name = ctx.name() + " " + describe();
        int channels = count;
        Shape sample = ctx.sampleInput();
        Tensor gamma = ctx.params().get(0), beta = ctx.params().get(1);
        Tensor dgamma = ctx.grads().isEmpty() ? null : ctx.grads().get(0);
        Tensor dbeta = ctx.grads().isEmpty() ? null : ctx.grads().get(1);
        Tensor runMean = ctx.state().get(0), runVar = ctx.state().get(1);
        return new NormOp() {
            private final BatchBuffer y = new BatchBuffer(sample), dx = new BatchBuffer(sample);
            private final Tensor saveMean = Tensor.zeros(channels), saveInvstd = Tensor.zeros(channels), coeffs = Tensor.zeros(3 * channels),
                    affine = Tensor.zeros(2 * channels);   // the forward's scale and shift per channel
            private final BatchShards shards = new BatchShards(List.of());   // image ranges, no parameter gradients to reduce
            private final IntConsumer sumShard = this::sumShard, normalizeShard = this::normalizeShard,
                    gradSumShard = this::gradSumShard, inputGradShard = this::inputGradShard;
            private DoublePointer sums = new DoublePointer(0L);   // 2 per (image, channel), grown with the batch
            private long sumsFor;                                 // images the table holds
            private boolean relu, reluBackward, deferred;
            private boolean gammaFrozen, betaFrozen;   // no gradient computed for these (Model.freeze)
            // the current call, read by the shards
            private Tensor x, out, dy, g;
            private int n;
            private boolean trained;

            @Override public boolean freeze(boolean[] frozen) {
                gammaFrozen = frozen[0];
                betaFrozen = frozen[1];
                return true;
            }

            @Override public boolean fuseReluForward() {
                relu = true;
                return true;
            }

            @Override public boolean takeReluBackward() {
                if (!relu) return false;
                reluBackward = true;
                return true;
            }

            @Override public void deferNormalize() { deferred = true; }

            @Override public Tensor affine() { return affine; }

            @Override public BatchBuffer outputBuffer() { return y; }
            @Override public BatchBuffer inputGradientBuffer() { return dx; }
            @Override public boolean forwardWritesOutput() { return !deferred; }
            @Override public boolean backwardWritesInputGradient() { return true; }

            @Override public long planeSize() { return hw; }

            /** The affine whose positive outputs pass the gradient, when this op took its ReLU's backward; else null. */
            private FloatPointer reluMask() { return reluBackward ? affine.pointer() : null; }

            private void sumShard(int s) {
                Conv4jNative.batchNorm2dSums(n, channels, hw, shards.begin(s), shards.end(s), x.pointer(), null, null, null, sums);
            }

            private void normalizeShard(int s) {
                Conv4jNative.batchNorm2dNormalize(n, channels, hw, shards.begin(s), shards.end(s), relu ? 1 : 0, x.pointer(),
                        affine.pointer(), null, out.pointer());
            }

            private void gradSumShard(int s) {
                Conv4jNative.batchNorm2dSums(n, channels, hw, shards.begin(s), shards.end(s), x.pointer(), saveMean.pointer(),
                        dy.pointer(), reluMask(), sums);
            }

            private void inputGradShard(int s) {
                Conv4jNative.batchNorm2dInputGrad(n, channels, hw, shards.begin(s), shards.end(s), x.pointer(), saveMean.pointer(),
                        coeffs.pointer(), dy.pointer(), reluMask(), g.pointer());
            }

            /** Sizes the sums table for this batch: reallocated only when a larger batch comes. */
            private void reserveSums() {
                if (sumsFor >= n) return;
                sums.deallocate();
                sums = new DoublePointer(Math.multiplyExact(2L * n, (long) channels));
                sumsFor = n;
            }

            @Override public Tensor forward(Tensor input, boolean training) {
                n = Checks.batchOf(name, input, sample);
                x = input;
                trained = training;
                reserveSums();
                shards.split(n, Integer.MAX_VALUE);
                if (training) shards.run(sumShard, false);
                Conv4jNative.batchNorm2dStats(n, channels, hw, training ? 1 : 0, sums, eps, momentum, runMean.pointer(), runVar.pointer(),
                        saveMean.pointer(), saveInvstd.pointer(), gamma.pointer(), beta.pointer(), affine.pointer());
                if (deferred) return input;   // the Add reading it normalises (and never asks for y: not allocated)
                out = y.get(n);
                shards.run(normalizeShard, false);
                return out;
            }

            @Override public Tensor backward(Tensor gradient, boolean needInputGradient) {
                Checks.backward(name, x, gradient);
                dy = gradient;
                g = needInputGradient ? dx.get(n) : null;
                shards.split(n, Integer.MAX_VALUE);
                shards.run(gradSumShard, false);
                Conv4jNative.batchNorm2dGradCoeffs(n, channels, hw, trained ? 1 : 0, sums, gamma.pointer(), saveInvstd.pointer(),
                        dgamma == null || gammaFrozen ? null : dgamma.pointer(), dbeta == null || betaFrozen ? null : dbeta.pointer(),
                        coeffs.pointer());
                if (g != null) shards.run(inputGradShard, false);
                return g;
            }

            @Override public void close() {
                y.close(); dx.close(); saveMean.close(); saveInvstd.close(); coeffs.close(); affine.close(); shards.close(); sums.deallocate();
            }
        };
    }
}

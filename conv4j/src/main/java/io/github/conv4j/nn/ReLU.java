package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * max(0, x), elementwise; the derivative at 0 is 0 (as PyTorch), and NaN gives 0. In a
 * {@link Sequential} the work usually moves into its neighbours: a convolution before it applies
 * the ReLU as it writes its output, a max pooling after it drops the gradient of non-positive
 * inputs (see {@link Op#fuseReluForward()}); the results are the same.
 */
public final class ReLU implements Layer {
    @Override public String spec() { return "ReLU"; }
    @Override public String describe() { return "ReLU"; }
    @Override public Shape outputShape(Shape input) { return input; }
    @Override public long flops(Shape sampleInput) { return sampleInput.size(); }

    @Override public Op create(LayerContext ctx) { return new Runtime(ctx); }

    /** The op, with what its neighbours took over (set by {@link Sequential} as it builds the model). */
    static final class Runtime implements PlannedOp {
        private final String name;
        private final Shape sample;
        private final long perImage;
        private final BatchBuffer y, dx;
        // the images split over the workers, as for pooling (measured: single-threaded ReLU
        // took as long as both pooling layers)
        private final BatchShards shards = new BatchShards(List.of());
        private boolean forwardFused, backwardFused;
        private Tensor x, out, dy, dy2, g;
        private final IntConsumer forwardShard, backwardShard;

        Runtime(LayerContext ctx) {
            name = ctx.name() + " ReLU";
            sample = ctx.sampleInput();
            perImage = sample.size();
            y = new BatchBuffer(sample);
            dx = new BatchBuffer(sample);
            forwardShard = s -> Conv4jNative.reluForward(shards.begin(s) * perImage, shards.end(s) * perImage, x.pointer(), out.pointer());
            backwardShard = s -> Conv4jNative.reluBackward(shards.begin(s) * perImage, shards.end(s) * perImage, out.pointer(),
                    dy.pointer(), dy2 == null ? null : dy2.pointer(), g.pointer());
        }

        /** The layer before already rectified its output: forward passes it on as it is. */
        void forwardFused() { forwardFused = true; }

        /** The layer after already drops the gradient of non-positive inputs (or the layer before, of non-positive outputs): backward passes it on. */
        void backwardFused() { backwardFused = true; }

        /** Whether backward computes anything (not {@link #backwardFused()}). */
        boolean masksGradient() { return !backwardFused; }

        @Override public BatchBuffer outputBuffer() { return y; }
        @Override public BatchBuffer inputGradientBuffer() { return dx; }
        @Override public boolean forwardWritesOutput() { return !forwardFused; }
        @Override public boolean backwardWritesInputGradient() { return !backwardFused; }

        @Override public Tensor forward(Tensor input, boolean training) {
            int n = Checks.batchOf(name, input, sample);
            x = input;
            if (forwardFused) return out = input;
            out = y.get(n);
            shards.split(n, Integer.MAX_VALUE);
            shards.run(forwardShard, false);
            return out;
        }

        @Override public Tensor backward(Tensor dy, boolean needInputGradient) { return backward(dy, null, needInputGradient); }

        /**
         * The backward of the gradient {@code dy + dy2} (dy2 may be null): a graph node with two
         * readers hands both here, so their sum and the mask are one pass, bit for bit the
         * mask of the sum. Not for a {@link #backwardFused()} ReLU (that returns its gradient as it is).
         */
        Tensor backward(Tensor dy, Tensor dy2, boolean needInputGradient) {
            Checks.backward(name, out, dy);
            if (dy2 != null) {
                Checks.outputGradient(name, out.shape(), dy2);
                if (backwardFused) throw new IllegalStateException(name + ": a second gradient for a ReLU that passes its gradient on");
            }
            if (!needInputGradient) return null;
            if (backwardFused) return dy;
            int n = out.dim(0);
            this.dy = dy;
            this.dy2 = dy2;
            g = dx.get(n);
            shards.split(n, Integer.MAX_VALUE);
            shards.run(backwardShard, false);
            this.dy2 = null;
            return g;
        }

        @Override public void close() { y.close(); dx.close(); shards.close(); }
    }
}

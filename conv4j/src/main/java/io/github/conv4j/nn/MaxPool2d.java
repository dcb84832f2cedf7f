package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Conv4jNative.PoolGeom;
import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Max pooling over NCHW (PyTorch's MaxPool2d): padding acts as −∞, ties go to the first maximum
 * in scan order, a NaN propagates. A training forward records the argmax, so backward is a scatter;
 * an evaluation forward writes the values only (a backward after it finds the argmax first).
 * <pre>{@code new MaxPool2d(2)   new MaxPool2d(3).stride(2).padding(1).ceilMode(true)}</pre>
 */
public final class MaxPool2d extends WindowPool {
    /** Window taps a worker takes at least (about as many nanoseconds): waking one costs tens of microseconds. */
    private static final long MIN_TAPS_PER_WORKER = 1 << 16;

    /** A k×k window with stride k. */
    public MaxPool2d(int kernel) { this(PoolWindow.of("MaxPool2d", kernel, kernel)); }
    /** A {@code kernelH}×{@code kernelW} window with the stride of its size, unpadded. */
    public MaxPool2d(int kernelH, int kernelW) { this(PoolWindow.of("MaxPool2d", kernelH, kernelW)); }
    private MaxPool2d(PoolWindow w) { super(w); }

    /** The same stride {@code s} along both axes (default: the kernel size). */
    public MaxPool2d stride(int s) { return stride(s, s); }
    /** Vertical and horizontal strides. */
    public MaxPool2d stride(int h, int w) { return new MaxPool2d(win.stride(h, w)); }
    /** The same padding on all four sides (at most half the kernel; default 0). */
    public MaxPool2d padding(int p) { return padding(p, p); }
    /** Top/bottom and left/right padding. */
    public MaxPool2d padding(int h, int w) { return new MaxPool2d(win.padding(h, w)); }
    /** The same dilation along both axes (default 1). */
    public MaxPool2d dilation(int d) { return new MaxPool2d(win.dilation(d, d)); }
    /** PyTorch's ceil_mode: round the output size up (the last window still starts inside the input or its top/left padding); default false. */
    public MaxPool2d ceilMode(boolean ceil) { return new MaxPool2d(win.ceil(ceil)); }
    /** How the output size rounds (default {@link PaddingMode#TRUNCATE}). */
    public MaxPool2d mode(PaddingMode m) { return new MaxPool2d(win.mode(m)); }

    @Override public String spec() { return win.spec(); }
    @Override public String describe() { return win.describe(); }

    @Override public Op create(LayerContext ctx) {
        String name = ctx.name() + " " + describe();
        Shape sample = ctx.sampleInput();
        return new Runtime(name, sample, outputShape(sample.prependBatch(1)).dropBatch());
    }

    /**
     * The op. A convolution right before it (with or without a ReLU between) may take its forward
     * over ({@link PlannedOp#fusePoolForward}): it pools each chunk of its output itself, while
     * that is still in cache, into this op's output and argmax ({@link #fuseNextForward}), and this
     * op's next forward only hands them on. The backward is this op's either way.
     */
    final class Runtime extends NativeBatchOp {
        private final PoolGeom geom;
        private final int channels;
        private final long tapsPerImage;
        private final BatchShards shards = new BatchShards(List.of());
        private IntTensor argmax;
        private Tensor x, out, dy, g;   // the current pass's, read by the shards
        private boolean reluBefore;   // the ReLU before this pooling left its backward to it
        private boolean argmaxKept;   // the last forward recorded the argmax (a training one)
        private int pooledBatch = -1; // the batch the convolution before pooled into this op's output; -1 if none
        private final IntConsumer forwardShard, valuesShard, backwardShard;

        Runtime(String name, Shape sample, Shape outSample) {
            super(name, sample, outSample);
            // The kernels see the batch as N·C one-channel planes, so that the workers split planes,
            // not images: a batch of one still runs on every worker.
            geom = win.geometry(name, sample).c(1);
            channels = sample.dim(0);
            tapsPerImage = flops(sample);
            forwardShard = s -> Status.check(Conv4jNative.maxPool2dForward(geom, shards.begin(s), shards.end(s),
                    x.pointer(), out.pointer(), argmax.pointer()), name);
            // An evaluation forward writes the values only (AlexNet's inference: no argmax stores,
            // and vector kernels for its 13x13 planes); the same values.
            valuesShard = s -> Status.check(Conv4jNative.maxPool2dForward(geom, shards.begin(s), shards.end(s),
                    x.pointer(), out.pointer(), null), name);
            backwardShard = s -> Status.check(Conv4jNative.maxPool2dBackward(geom, shards.begin(s),
                    shards.end(s), dy.pointer(), argmax.pointer(), reluBefore ? out.pointer() : null, g.pointer()), name);
        }

        @Override public boolean fuseReluBackward() {
            reluBefore = true;
            return true;
        }

        /** The per-image input this pooling takes (C×H×W): what a convolution fused before it must output. */
        Shape sampleInput() { return inputGradientBuffer().sample(); }

        /**
         * For the convolution fused before this op: readies the output and argmax of a batch of
         * {@code n} for it to pool into and returns the geometry over all n·C planes; once it has,
         * {@link #handOnNextForward()}. Only a training forward is fused: an evaluation one writes
         * the convolution's output and pools it here, values alone (faster, and a backward after
         * it finds the argmax from that written output).
         */
        PoolGeom fuseNextForward(int n) {
            pooledBatch = -1;
            argmaxKept = false;
            growArgmax(n);
            out = outputBuffer().get(n);
            geom.n(Math.multiplyExact(n, channels));
            return geom;
        }

        /** The convolution pooled the batch: the next forward hands the output on. */
        void handOnNextForward() { pooledBatch = out.dim(0); }

        /** The next forward pools its input itself (the convolution before ran unfused: a batch of one split by channels). */
        void unfuseNextForward() { pooledBatch = -1; }

        Tensor output() { return out; }
        IntTensor argmax() { return argmax; }

        /** Each shard checks its own call's status (and throws), so a pass that returns went well. */
        @Override int compute(int n, Tensor input, Tensor y, boolean training) {
            x = input;
            out = y;
            if (pooledBatch >= 0) {   // the convolution before pooled it, argmax included
                int pooled = pooledBatch;
                pooledBatch = -1;
                if (pooled != n) throw new IllegalStateException(name + ": pooled for a batch of " + pooled + ", handed " + n);
                argmaxKept = true;
                return Status.OK;
            }
            if (training) return runWithArgmax(n);
            argmaxKept = false;
            return run(valuesShard, n);
        }

        /** The argmax buffer grown to batch {@code n}. */
        private void growArgmax(int n) {
            long outputs = n * outputBuffer().sample().size();
            if (argmax == null || argmax.size() < outputs) {
                freeArgmax();
                argmax = new IntTensor(outputs);
            }
        }

        /** The forward that records the argmax. */
        private int runWithArgmax(int n) {
            argmaxKept = false;   // until it has run through
            growArgmax(n);
            int status = run(forwardShard, n);
            argmaxKept = true;
            return status;
        }

        @Override int gradient(int n, Tensor input, Tensor y, Tensor gradient, Tensor dx) {
            x = input;
            out = y;   // the forward's (what the fused ReLU's mask reads)
            // a backward after an evaluation forward (an input gradient in evaluation mode):
            // the argmax from the same input, as a backward reads its input anyway; the
            // values it writes again are the same bits
            if (!argmaxKept) runWithArgmax(n);
            dy = gradient;
            g = dx;
            return run(backwardShard, n);
        }

        /** The N·C planes of {@code n} images split over as many workers as they keep busy. */
        private int run(IntConsumer shard, int n) {
            geom.n(Math.multiplyExact(n, channels));
            shards.split(geom.n(), (int) Math.min(Integer.MAX_VALUE, n * tapsPerImage / MIN_TAPS_PER_WORKER));
            shards.run(shard, false);
            return Status.OK;
        }

        @Override public void releaseBuffers() {
            super.releaseBuffers();
            freeArgmax();   // the next training forward makes it again
            argmaxKept = false;
            pooledBatch = -1;
        }

        private void freeArgmax() {
            if (argmax != null) argmax.close();
            argmax = null;
        }

        @Override public void close() {
            super.close();
            freeArgmax();
            geom.close();
        }
    }
}

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
 * in scan order, a NaN propagates. Forward records the argmax, so backward is a scatter.
 * <pre>{@code new MaxPool2d(2)   new MaxPool2d(3).stride(2).padding(1).ceilMode(true)}</pre>
 */
public final class MaxPool2d implements Layer {
    /** Window taps a worker takes at least (about as many nanoseconds): waking one costs tens of microseconds. */
    private static final long MIN_TAPS_PER_WORKER = 1 << 16;

    private final PoolWindow win;

    /** A k×k window with stride k. */
    public MaxPool2d(int kernel) { this(PoolWindow.of("MaxPool2d", kernel, kernel)); }
    /** A {@code kernelH}×{@code kernelW} window with the stride of its size, unpadded. */
    public MaxPool2d(int kernelH, int kernelW) { this(PoolWindow.of("MaxPool2d", kernelH, kernelW)); }
    private MaxPool2d(PoolWindow w) { this.win = w; }

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
    @Override public Shape outputShape(Shape input) { return win.outputShape(describe(), input); }

    @Override public ReceptiveField receptiveField(Shape sampleInput, ReceptiveField rf) {
        return win.receptiveField(describe(), sampleInput, rf);
    }

    @Override public long flops(Shape sampleInput) { return win.flops(describe(), sampleInput); }

    @Override public Op create(LayerContext ctx) { return new Runtime(ctx); }

    /**
     * The op. A convolution right before it (with or without a ReLU between) may take its forward
     * over ({@link PlannedOp#fusePoolForward}): it pools each chunk of its output itself, while
     * that is still in cache, into this op's output and argmax ({@link #fuseNextForward}), and this
     * op's next forward only hands them on. The backward is this op's either way.
     */
    final class Runtime implements PlannedOp {
        private final String name;
        private final Shape sample;
        // The kernels see the batch as N·C one-channel planes, so that the workers split planes,
        // not images: a batch of one still runs on every worker.
        private final PoolGeom geom;
        private final int channels;
        private final long tapsPerImage;
        private final Shape outSample;
        private final BatchBuffer y, dx;
        private final BatchShards shards = new BatchShards(List.of());
        private IntTensor argmax;
        private Tensor x, out, dy, g;
        private boolean reluBefore;   // the ReLU before this pooling left its backward to it
        private boolean fusedNext;    // the convolution before pooled this batch already: forward hands it on
        private final IntConsumer forwardShard, backwardShard;

        Runtime(LayerContext ctx) {
            name = ctx.name() + " " + describe();
            sample = ctx.sampleInput();
            geom = win.geometry(name, sample).c(1);
            channels = sample.dim(0);
            tapsPerImage = flops(sample);
            outSample = outputShape(sample.prependBatch(1)).dropBatch();
            y = new BatchBuffer(outSample);
            dx = new BatchBuffer(sample);
            forwardShard = s -> Status.check(Conv4jNative.maxPool2dForward(geom, shards.begin(s), shards.end(s),
                    x.pointer(), out.pointer(), argmax.pointer()), name);
            backwardShard = s -> Status.check(Conv4jNative.maxPool2dBackward(geom, shards.begin(s),
                    shards.end(s), dy.pointer(), argmax.pointer(), reluBefore ? out.pointer() : null, g.pointer()), name);
        }

        @Override public BatchBuffer outputBuffer() { return y; }
        @Override public BatchBuffer inputGradientBuffer() { return dx; }
        @Override public boolean forwardWritesOutput() { return true; }
        @Override public boolean backwardWritesInputGradient() { return true; }

        private int workers(int n) { return (int) Math.min(Integer.MAX_VALUE, n * tapsPerImage / MIN_TAPS_PER_WORKER); }

        @Override public boolean fuseReluBackward() {
            reluBefore = true;
            return true;
        }

        /** The per-image input this pooling takes (C×H×W): what a convolution fused before it must output. */
        Shape sampleInput() { return sample; }

        /** The output and argmax for a batch of {@code n}, and the geometry over its n·C planes. */
        private void prepare(int n) {
            long outputs = n * outSample.size();
            if (argmax == null || argmax.size() < outputs) {
                if (argmax != null) argmax.close();
                argmax = new IntTensor(outputs);
            }
            out = y.get(n);
            geom.n(Math.multiplyExact(n, channels));
        }

        /**
         * For the convolution fused before this op: readies the output and argmax of a batch of
         * {@code n} for it to pool into and returns the geometry over all n·C planes; once it has,
         * {@link #handOnNextForward()}.
         */
        PoolGeom fuseNextForward(int n) {
            fusedNext = false;
            prepare(n);
            return geom;
        }

        /** The convolution pooled the batch: the next forward hands the output on. */
        void handOnNextForward() { fusedNext = true; }

        /** The next forward pools its input itself (the convolution before ran unfused: a batch of one split by channels). */
        void unfuseNextForward() { fusedNext = false; }

        Tensor output() { return out; }
        IntTensor argmax() { return argmax; }

        @Override public Tensor forward(Tensor input, boolean training) {
            int n = Checks.batchOf(name, input, sample);
            x = input;
            if (fusedNext) {
                fusedNext = false;
                if (out.dim(0) != n) throw new IllegalStateException(name + ": pooled for a batch of " + out.dim(0) + ", handed " + n);
                return out;
            }
            prepare(n);
            shards.split(geom.n(), workers(n));
            shards.run(forwardShard, false);
            return out;
        }

        @Override public Tensor backward(Tensor gradient, boolean needInputGradient) {
            Checks.backward(name, out, gradient);
            if (!needInputGradient) return null;
            int n = out.dim(0);
            dy = gradient;
            g = dx.get(n);
            geom.n(Math.multiplyExact(n, channels));
            shards.split(geom.n(), workers(n));
            shards.run(backwardShard, false);
            return g;
        }

        @Override public void close() {
            y.close();
            dx.close();
            if (argmax != null) argmax.close();
            geom.close();
        }
    }
}

package io.github.conv4j.nn;

import static io.github.conv4j.nn.Checks.positive;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Fully connected: y = x·Wᵀ + b over N×IN input; weight OUT×IN, bias OUT. One GEMM each way.
 * Workers split the features, not the batch: each takes a slice of the output features (its rows
 * of W and dW) and of the input features (its columns of dx), so W is packed once per call in all,
 * and no worker needs a gradient buffer of its own to add up afterwards. A batch of one is split
 * the same way from a smaller size, never by OpenBLAS's threads: see {@link #MIN_SPLIT_WORK_ONE_IMAGE}.
 */
public final class Linear implements Layer {
    /** Features per worker below which one thread does the whole product. */
    private static final int MIN_FEATURES_PER_WORKER = 64;
    /**
     * Multiply-adds below which the product of a batch of several is not split: waking a worker
     * costs tens of microseconds. It then runs on this thread alone, not on OpenBLAS's threads,
     * which keep spinning after a call and would take the cores from the workers of the next
     * layers (batch-256 inference fell from ~4,000 to ~2,700 images/s).
     */
    private static final long MIN_SPLIT_WORK = 1 << 22;
    /**
     * The same for one image, whose layer is most of a batch-1 request's latency and whose
     * workers are usually still polling from the previous layer (ShardPool.SPIN_NANOS): split
     * from here over the workers, each its rows of W through single-threaded OpenBLAS. Not
     * handed to OpenBLAS's threads (the pool's one-shard path used to widen them): their count is
     * process-wide, and another model's product running meanwhile then summed in other blocks.
     * The slices depend only on the sizes and the pool, so a result is the same bits alone or
     * beside other models.
     */
    private static final long MIN_SPLIT_WORK_ONE_IMAGE = 1 << 18;

    private final int in, out;
    private final boolean bias;

    /** A fully connected layer {@code inFeatures} → {@code outFeatures}, with bias. */
    public Linear(int inFeatures, int outFeatures) { this(inFeatures, outFeatures, true); }

    private Linear(int in, int out, boolean bias) {
        this.in = positive("Linear", "in features", in);
        this.out = positive("Linear", "out features", out);
        this.bias = bias;
    }

    /** Whether the layer has a bias (default true). */
    public Linear bias(boolean b) { return new Linear(in, out, b); }
    /** Input features. */
    public int inFeatures() { return in; }
    /** Output features. */
    public int outFeatures() { return out; }

    @Override public String spec() { return "Linear in=" + in + " out=" + out + " bias=" + bias; }

    @Override public String describe() { return "Linear(" + in + "→" + out + (bias ? "" : ", no bias") + ")"; }

    @Override public Shape outputShape(Shape input) {
        Layer.requireRank(describe(), input, 2, "N×" + in + " (add a Flatten before)");
        if (input.dim(1) != in) throw new IllegalArgumentException(describe() + ": expected input [N, " + in + "], got " + input);
        return Shape.of(input.dim(0), out);
    }

    @Override public List<Shape> parameterShapes() {
        return bias ? List.of(Shape.of(out, in), Shape.of(out)) : List.of(Shape.of(out, in));
    }

    @Override public void initialize(List<Tensor> params, List<Tensor> state, SplittableRandom rng) {
        for (Tensor p : params) Init.uniformFanIn(p, in, rng);
    }

    @Override public long flops(Shape sampleInput) { return 2L * in * out; }

    /** Every output sees every input feature, hence every position the features came from. */
    @Override public ReceptiveField receptiveField(Shape sampleInput, ReceptiveField rf) { return rf.whole(); }

    @Override public Op create(LayerContext ctx) {
        String name = ctx.name() + " " + describe();
        Shape sample = ctx.sampleInput();
        outputShape(sample.prependBatch(1));
        Tensor w = ctx.params().get(0), b = bias ? ctx.params().get(1) : null;
        boolean hasGrads = !ctx.grads().isEmpty();
        int widest = Math.max(1, Math.min(Parallelism.shards(), Math.min(in, out) / MIN_FEATURES_PER_WORKER));
        return new PlannedOp() {
            private final BatchBuffer y = new BatchBuffer(Shape.of(out)), dx = new BatchBuffer(sample);
            private Tensor x, o, dy, g, dw, db;
            private int n, count = 1;   // batch and workers of the current call
            private boolean weightFrozen, biasFrozen;   // no gradient computed for these (Model.freeze)
            private final IntConsumer forwardShard = s -> Conv4jNative.linearForward(n, in, out, slice(out, s, count),
                    slice(out, s + 1, count), x.pointer(), w.pointer(), b == null ? null : b.pointer(), o.pointer());
            private final IntConsumer backwardShard = s -> Conv4jNative.linearBackward(n, in, out, slice(out, s, count),
                    slice(out, s + 1, count), slice(in, s, count), slice(in, s + 1, count), x.pointer(), w.pointer(),
                    dy.pointer(), g == null ? null : g.pointer(), dw == null ? null : dw.pointer(), db == null ? null : db.pointer());

            @Override public BatchBuffer outputBuffer() { return y; }
            @Override public BatchBuffer inputGradientBuffer() { return dx; }
            @Override public boolean forwardWritesOutput() { return true; }
            @Override public boolean backwardWritesInputGradient() { return true; }

            private void run(IntConsumer shard) {
                count = (long) n * in * out < (n == 1 ? MIN_SPLIT_WORK_ONE_IMAGE : MIN_SPLIT_WORK) ? 1 : widest;
                Parallelism.pool().run(shard, count);
            }

            @Override public boolean freeze(boolean[] frozen) {
                weightFrozen = frozen[0];
                biasFrozen = b != null && frozen[1];
                return true;
            }

            @Override public Tensor forward(Tensor input, boolean training) {
                n = Checks.batchOf(name, input, sample);
                o = y.get(n);
                x = input;
                run(forwardShard);
                return o;
            }

            @Override public Tensor backward(Tensor gradient, boolean needInputGradient) {
                Checks.backward(name, o, gradient);
                dy = gradient;
                g = needInputGradient ? dx.get(n) : null;
                dw = hasGrads && !weightFrozen ? ctx.grads().get(0) : null;
                db = hasGrads && b != null && !biasFrozen ? ctx.grads().get(1) : null;
                run(backwardShard);
                return g;
            }

            @Override public void close() { y.close(); dx.close(); }
        };
    }

    /** Start of worker s's slice of `total` features (s = count gives the end): multiples of 16, so
     *  each worker's columns start on a cache line. */
    private static int slice(int total, int s, int count) {
        if (s >= count) return total;
        return Math.min(total, (int) ((long) total * s / count) & ~15);
    }
}

package io.github.conv4j.nn;

import static io.github.conv4j.nn.Checks.nonNegative;
import static io.github.conv4j.nn.Checks.positive;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Conv4jNative.ConvGeom;
import io.github.conv4j.binding.Conv4jNative.PoolGeom;
import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import org.bytedeco.javacpp.FloatPointer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * 2-D convolution (cross-correlation, as PyTorch's Conv2d) over NCHW input, computed in C: on
 * x86-64 with AVX2/FMA by conv4j's own GEMM reading a padded copy of the input (native
 * {@code conv_fast_avx2.c}) or lowered to im2col + OpenBLAS sgemm, per product whichever
 * {@link KernelChooser} timed faster for this shape ({@code -Dconv4j.kernels=fast} or
 * {@code portable} forces one); elsewhere always the latter. Weight K × C/groups × R × S, optional bias K.
 * <pre>{@code new Conv2d(1, 32, 5).padding(2)   new Conv2d(64, 64, 3).stride(2).padding(1).groups(64)}</pre>
 */
public final class Conv2d implements Layer {
    /**
     * Lower this many output positions (images × P × Q) per GEMM at least (the fast path also
     * multiplies this many pixels' images at once); see {@link #chunkFor}.
     * Measured here: 1024 keeps the column matrix small enough to stay in cache (+12 % fwd+bwd on
     * 56×56 planes against 4096) and is as fast on small planes, where it still joins images.
     */
    static final int TARGET_COLUMNS = Integer.getInteger("conv4j.conv.columns", 1024);

    private final int in, out, kh, kw, sh, sw, ph, pw, dh, dw, groups;
    private final boolean bias;
    private final PaddingMode mode;

    /** A convolution from {@code inChannels} to {@code outChannels} with a square kernel: stride 1, no padding, dilation 1, one group, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernel) { this(inChannels, outChannels, kernel, kernel); }

    /** A convolution with a {@code kernelH}×{@code kernelW} kernel and the defaults above. */
    public Conv2d(int inChannels, int outChannels, int kernelH, int kernelW) {
        this(inChannels, outChannels, kernelH, kernelW, 1, 1, 0, 0, 1, 1, 1, true, PaddingMode.TRUNCATE);
    }

    private Conv2d(int in, int out, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups,
                   boolean bias, PaddingMode mode) {
        this.in = in; this.out = out; this.kh = kh; this.kw = kw; this.sh = sh; this.sw = sw;
        this.ph = ph; this.pw = pw; this.dh = dh; this.dw = dw; this.groups = groups; this.bias = bias;
        this.mode = mode;
        String me = "Conv2d";
        positive(me, "in channels", in); positive(me, "out channels", out);
        positive(me, "kernel height", kh); positive(me, "kernel width", kw);
        positive(me, "stride", sh); positive(me, "stride", sw);
        nonNegative(me, "padding", ph); nonNegative(me, "padding", pw);
        positive(me, "dilation", dh); positive(me, "dilation", dw);
        positive(me, "groups", groups);
        if (in % groups != 0 || out % groups != 0)
            throw new IllegalArgumentException(me + ": groups " + groups + " must divide in channels " + in + " and out channels " + out);
    }

    /** The same stride along both axes (default 1). */
    public Conv2d stride(int s) { return stride(s, s); }
    /** Vertical and horizontal strides. */
    public Conv2d stride(int h, int w) { return new Conv2d(in, out, kh, kw, h, w, ph, pw, dh, dw, groups, bias, mode); }
    /** The same zero padding on all four sides (default 0). */
    public Conv2d padding(int p) { return padding(p, p); }
    /** Top/bottom and left/right zero padding. */
    public Conv2d padding(int h, int w) { return new Conv2d(in, out, kh, kw, sh, sw, h, w, dh, dw, groups, bias, mode); }
    /** The same dilation along both axes (default 1). */
    public Conv2d dilation(int d) { return dilation(d, d); }
    /** Vertical and horizontal dilation. */
    public Conv2d dilation(int h, int w) { return new Conv2d(in, out, kh, kw, sh, sw, ph, pw, h, w, groups, bias, mode); }
    /** Channel groups (default 1; must divide both channel counts; {@code g} = in channels is depthwise). */
    public Conv2d groups(int g) { return new Conv2d(in, out, kh, kw, sh, sw, ph, pw, dh, dw, g, bias, mode); }
    /** Whether the layer has a bias (default true). */
    public Conv2d bias(boolean b) { return new Conv2d(in, out, kh, kw, sh, sw, ph, pw, dh, dw, groups, b, mode); }
    /** How the output size rounds (default {@link PaddingMode#TRUNCATE}, PyTorch's). */
    public Conv2d mode(PaddingMode m) { return new Conv2d(in, out, kh, kw, sh, sw, ph, pw, dh, dw, groups, bias, m); }

    /** Input channels. */
    public int inChannels() { return in; }
    /** Output channels. */
    public int outChannels() { return out; }

    @Override public String spec() {
        return "Conv2d in=" + in + " out=" + out + " kernel=" + kh + "," + kw + " stride=" + sh + "," + sw + " padding=" + ph + ","
                + pw + " dilation=" + dh + "," + dw + " groups=" + groups + " bias=" + bias + " mode=" + mode;
    }

    @Override public String describe() {
        StringBuilder b = new StringBuilder("Conv2d(").append(in).append("→").append(out).append(", ")
                .append(kh).append('×').append(kw);
        if (sh != 1 || sw != 1) b.append(", stride ").append(sh == sw ? "" + sh : sh + "×" + sw);
        if (ph != 0 || pw != 0) b.append(", pad ").append(ph == pw ? "" + ph : ph + "×" + pw);
        if (dh != 1 || dw != 1) b.append(", dilation ").append(dh == dw ? "" + dh : dh + "×" + dw);
        if (groups != 1) b.append(", groups ").append(groups);
        if (!bias) b.append(", no bias");
        if (mode != PaddingMode.TRUNCATE) b.append(", ").append(mode.name().toLowerCase());
        return b.append(')').toString();
    }

    private PaddingMode.Axis[] axes(Shape input) {
        Layer.requireRank(describe(), input, 4, "N×C×H×W");
        if (input.dim(1) != in)
            throw new IllegalArgumentException(describe() + ": expected " + in + " input channels [N, " + in + ", H, W], got " + input);
        return mode.resolvePlane(describe(), input, kh, kw, sh, sw, ph, pw, dh, dw, false);
    }

    @Override public Shape outputShape(Shape input) {
        PaddingMode.Axis[] a = axes(input);
        return Shape.of(input.dim(0), out, a[0].out(), a[1].out());
    }

    @Override public List<Shape> parameterShapes() {
        Shape w = Shape.of(out, in / groups, kh, kw);
        return bias ? List.of(w, Shape.of(out)) : List.of(w);
    }

    private long fanIn() { return (long) (in / groups) * kh * kw; }

    @Override public void initialize(List<Tensor> params, List<Tensor> state, SplittableRandom rng) {
        for (Tensor p : params) Init.uniformFanIn(p, fanIn(), rng);
    }

    @Override public ReceptiveField receptiveField(Shape sampleInput, ReceptiveField rf) {
        Shape o = outputShape(sampleInput.prependBatch(1));
        return rf.window(kh, kw, sh, sw, dh, dw, o.dim(2), o.dim(3));
    }

    @Override public long flops(Shape sampleInput) {
        Shape o = outputShape(sampleInput.prependBatch(1));
        return 2L * out * o.dim(2) * o.dim(3) * fanIn();
    }

    /**
     * Images lowered together: enough that one GEMM is TARGET_COLUMNS wide, at most the batch, and
     * then evened out over the chunks the batch needs (8 images of 13×13 go as 4 + 4, not 7 + 1:
     * a one-image product is a short, ragged GEMM and re-streams the weight gradient for little work).
     */
    static int chunkFor(int batch, long outputPlane) {
        long widest = Math.max(1, Math.min(batch, (TARGET_COLUMNS + outputPlane - 1) / outputPlane));
        long chunks = (batch + widest - 1) / widest;
        return (int) ((batch + chunks - 1) / chunks);
    }

    @Override public Op create(LayerContext ctx) { return new Runtime(ctx); }

    private final class Runtime implements PlannedOp {
        private final String name;
        private final Shape sample;
        private final Tensor w, b;
        private final boolean hasGrads;
        private boolean weightFrozen, biasFrozen;   // no gradient computed for these (Model.freeze)
        private final Workspace workspace;
        private final ConvGeom geom = new ConvGeom();
        private final BatchBuffer y, dx;
        private final int maxChunk;
        private final boolean needsScratch;   // false for the 1×1 path, which lowers nothing
        private final BatchShards shards;
        // The current call, read by the shards (set before the pool runs them).
        private Tensor x, dy, output, grad;
        private long scratchFloats;   // per worker, for the chunk size of the current call
        private final IntConsumer forwardShard = this::forwardShard, backwardShard = this::backwardShard,
                splitShard = this::splitShard;
        private MaxPool2d.Runtime pool;   // the pooling after this layer, fused into its forward (fusePoolForward); null if none
        private PoolGeom poolGeom;        // the current call's, over the whole batch
        private boolean pooling;          // the current forward pools its output (a training one with a pool fused)
        private ChannelSplit split;   // one image's forward over the workers, made at the first such call
        private final PackedWeights packed;   // W as the fast forward reads it, kept across calls; null when switched off
        private int packedLayout;             // the current call's: 0 where its forward reads w itself
        private final ConvPaths paths;   // the geometry's kernel paths, per batch size

        Runtime(LayerContext ctx) {
            name = ctx.name() + " " + describe();
            sample = ctx.sampleInput();
            Shape o = outputShape(sample.prependBatch(1));
            PaddingMode.Axis[] a = axes(sample.prependBatch(1));
            long plane = (long) o.dim(2) * o.dim(3);
            Checks.fitsBlas(name, "kernel volume C/groups×R×S", fanIn());
            Checks.fitsBlas(name, "output plane P×Q", plane);
            geom.c(in).h(sample.dim(1)).w(sample.dim(2)).k(out).r(kh).s(kw).stride_h(sh).stride_w(sw)
                .pad_h(a[0].padBefore()).pad_w(a[1].padBefore()).dil_h(dh).dil_w(Conv2d.this.dw).groups(groups)
                .out_h(o.dim(2)).out_w(o.dim(3));
            maxChunk = chunkFor(Integer.MAX_VALUE, plane);
            Checks.fitsBlas(name, "GEMM width chunk×P×Q", maxChunk * plane);
            w = ctx.params().get(0);
            b = bias ? ctx.params().get(1) : null;
            hasGrads = !ctx.grads().isEmpty();
            workspace = ctx.workspace();
            y = new BatchBuffer(o.dropBatch());
            dx = new BatchBuffer(sample);
            shards = new BatchShards(ctx.grads(), ctx.workspace());
            packed = PackedWeights.enabled() ? new PackedWeights(w, name) : null;
            geom.n(maxChunk).chunk(maxChunk);
            needsScratch = Conv4jNative.conv2dWorkspace(geom) > 0;
            paths = new ConvPaths(name, b != null, geom);
        }

        @Override public BatchBuffer outputBuffer() { return y; }
        @Override public BatchBuffer inputGradientBuffer() { return dx; }
        @Override public boolean forwardWritesOutput() { return true; }
        @Override public boolean backwardWritesInputGradient() { return true; }

        @Override public boolean fuseReluForward() {
            geom.relu(1);   // applied after the bias, where the output is written
            return true;
        }

        @Override public boolean fusePoolForward(MaxPool2d.Runtime p) {
            if (!p.sampleInput().equals(outputShape(sample.prependBatch(1)).dropBatch())) return false;
            pool = p;
            return true;
        }

        @Override public boolean freeze(boolean[] frozen) {
            weightFrozen = frozen[0];
            biasFrozen = b != null && frozen[1];
            if (packed != null) packed.invalidate();   // nothing the forward reads changed; repacking once is cheap insurance
            if (split != null) split.invalidate();
            return true;
        }

        /** True when backward computes a weight or bias gradient. */
        private boolean trains() { return hasGrads && !(weightFrozen && (b == null || biasFrozen)); }

        /**
         * Splits a batch over the workers, sizes the chunks to a worker's share, and reserves each
         * lowering worker its workspace slice for this batch (sized here, not when the model is
         * built, so a model declaring a huge input allocates nothing until such a batch arrives).
         */
        private void prepare(int batch) { prepare(batch, false); }

        /** {@code pooled}: for the forward that pools its output (its scratch also holds a chunk of that output). */
        private void prepare(int batch, boolean pooled) {
            int count = shards.split(batch, Integer.MAX_VALUE);
            geom.n(batch).chunk(chunkFor((batch + count - 1) / count, (long) geom.out_h() * geom.out_w()));
            scratchFloats = pooled ? Conv4jNative.conv2dPoolWorkspace(geom) : Conv4jNative.conv2dWorkspace(geom);
            if (scratchFloats < 0) throw new IllegalStateException(name + ": the kernels refuse its " + (pooled ? "pooled " : "") + "forward at a batch of " + batch);
            if (needsScratch || pooled) workspace.reserve(scratchFloats, count, name);
            // Per batch size rather than when the model is built: the chunk, and with it which path wins, depends on it.
            paths.choose(batch, needsScratch);
        }

        private Tensor scratch(int shard) { return workspace.get(shard, scratchFloats); }

        /** One worker's images of the forward: into the output, or pooled into the pooling's output and argmax (fusePoolForward). */
        private void forwardShard(int s) {
            Tensor ws = scratch(s);
            Tensor pw = packedLayout == 0 ? null : packed.packed();   // null: the kernel packs w itself, per call
            FloatPointer packedW = pw == null ? null : pw.pointer(), bias = b == null ? null : b.pointer(),
                    scratch = ws == null ? null : ws.pointer();
            long packedLen = pw == null ? 0 : pw.size(), scratchLen = ws == null ? 0 : ws.size();
            int begin = shards.begin(s), end = shards.end(s);
            Status.check(pooling
                    ? Conv4jNative.conv2dForwardPool(geom, poolGeom, begin, end, x.pointer(), w.pointer(), packedW, packedLen,
                            packedLayout, bias, pool.output().pointer(), pool.argmax().pointer(), scratch, scratchLen)
                    : Conv4jNative.conv2dForwardPacked(geom, begin, end, x.pointer(), w.pointer(), packedW, packedLen,
                            packedLayout, bias, output.pointer(), scratch, scratchLen), name);
        }

        private void backwardShard(int s) {
            Tensor ws = scratch(s);
            Tensor[] g = shards.gradients(s);
            Status.check(Conv4jNative.conv2dBackward(geom, shards.begin(s), shards.end(s), x.pointer(), w.pointer(), dy.pointer(),
                    grad == null ? null : grad.pointer(), hasGrads && !weightFrozen ? g[0].pointer() : null,
                    hasGrads && b != null && !biasFrozen ? g[1].pointer() : null,
                    ws == null ? null : ws.pointer(), ws == null ? 0 : ws.size()), name);
        }

        private void splitShard(int s) { split.forward(s, x, workspace.get(s, split.scratchFloats())); }

        /** The channel split for one image, or null when there is nothing to split it over (see {@link ChannelSplit}). */
        private ChannelSplit split() {
            int workers = Parallelism.shards();
            if (groups != 1 || workers < 2) return null;
            if (split == null || split.workers() != workers) {
                if (split != null) split.close();
                split = new ChannelSplit(geom, workers, w, b, name, packed);
            }
            return split;
        }

        @Override public Tensor forward(Tensor input, boolean training) {
            int batch = Checks.batchOf(name, input, sample);
            x = input;
            output = y.get(batch);
            ChannelSplit sp = batch == 1 ? split() : null;
            if (pool != null) pool.unfuseNextForward();
            if (sp != null && sp.count() > 1) {
                sp.prepare(workspace, needsScratch);
                sp.output(output);
                sp.run(splitShard);
                return output;
            }
            // only a training forward pools here: an evaluation one leaves the pooling its values-only
            // kernel, and a backward after it (an input gradient) reads this layer's written output
            pooling = pool != null && training;
            prepare(batch, pooling);
            packedLayout = packed == null ? 0 : packed.refresh(geom);   // here, before the workers share it
            if (pooling) poolGeom = pool.fuseNextForward(batch);
            shards.run(forwardShard, false);
            if (pooling) pool.handOnNextForward();
            return output;   // when pooling, unwritten: the pooling's output holds the result (fusePoolForward)
        }

        @Override public Tensor backward(Tensor gradient, boolean needInputGradient) {
            Checks.backward(name, x == null || !x.isOpen() ? null : y.get(x.dim(0)).shape(), gradient);
            int batch = x.dim(0);
            prepare(batch);
            dy = gradient;
            grad = needInputGradient ? dx.get(batch) : null;
            shards.run(backwardShard, trains());
            return grad;
        }

        @Override public void close() {
            y.close();
            dx.close();
            shards.close();
            if (split != null) split.close();
            if (packed != null) packed.close();
            geom.close();
        }
    }
}

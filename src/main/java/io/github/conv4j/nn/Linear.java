package io.github.conv4j.nn;

import static io.github.conv4j.nn.Checks.positive;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/** Fully connected: y = x·Wᵀ + b over N×IN input; weight OUT×IN, bias OUT. One GEMM each way. */
public final class Linear implements Layer {
    /** Below this many rows per worker, splitting the batch costs more than it saves. */
    private static final int MIN_ROWS_PER_WORKER = 16;

    private final int in, out;
    private final boolean bias;

    public Linear(int inFeatures, int outFeatures) { this(inFeatures, outFeatures, true); }

    private Linear(int in, int out, boolean bias) {
        this.in = positive("Linear", "in features", in);
        this.out = positive("Linear", "out features", out);
        this.bias = bias;
    }

    public Linear bias(boolean b) { return new Linear(in, out, b); }
    public int inFeatures() { return in; }
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

    @Override public Op create(LayerContext ctx) {
        String name = ctx.name() + " " + describe();
        Shape sample = ctx.sampleInput();
        outputShape(sample.prependBatch(1));
        Tensor w = ctx.params().get(0), b = bias ? ctx.params().get(1) : null;
        boolean hasGrads = !ctx.grads().isEmpty();
        return new Op() {
            private final BatchBuffer y = new BatchBuffer(Shape.of(out)), dx = new BatchBuffer(sample);
            private final BatchShards shards = new BatchShards(ctx.grads());
            private Tensor x, o, dy, g;
            private final IntConsumer forwardShard = s -> Conv4jNative.linearForward(shards.begin(s), shards.end(s), in, out,
                    x.pointer(), w.pointer(), b == null ? null : b.pointer(), o.pointer());
            private final IntConsumer backwardShard = s -> {
                Tensor[] acc = shards.gradients(s);
                Conv4jNative.linearBackward(shards.begin(s), shards.end(s), in, out, x.pointer(), w.pointer(), dy.pointer(),
                        g == null ? null : g.pointer(), hasGrads ? acc[0].pointer() : null, hasGrads && b != null ? acc[1].pointer() : null);
            };

            @Override public Tensor forward(Tensor input, boolean training) {
                int n = Checks.batchOf(name, input, sample);
                o = y.get(n);
                x = input;
                shards.split(n, n / MIN_ROWS_PER_WORKER);
                shards.run(forwardShard, false);
                return o;
            }

            @Override public Tensor backward(Tensor gradient, boolean needInputGradient) {
                if (x == null) throw new IllegalStateException(name + ": backward without a forward pass");
                int n = x.dim(0);
                if (!gradient.shape().is(n, out))
                    throw new IllegalArgumentException(name + ": expected output gradient [" + n + ", " + out + "], got " + gradient.shape());
                dy = gradient;
                g = needInputGradient ? dx.get(n) : null;
                shards.split(n, n / MIN_ROWS_PER_WORKER);
                shards.run(backwardShard, hasGrads);
                return g;
            }

            @Override public void close() { y.close(); dx.close(); shards.close(); }
        };
    }
}

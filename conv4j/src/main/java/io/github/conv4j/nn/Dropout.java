package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/**
 * Inverted dropout: in training, zeroes each element with probability p and scales the rest by
 * 1/(1−p); in evaluation, the identity. The mask of training step t depends only on (seed, t),
 * where t is the model's {@link Sequential#trainingSteps()} and the seed is, unless given, the
 * layer's own one derived from the model's seed and its position: two Dropout layers of one
 * model draw independent masks, and a resumed run draws the masks the uninterrupted one would.
 */
public final class Dropout implements Layer {
    private final float p;
    private final Long seed;   // null: the layer's seed from the model

    /** A dropout of probability {@code p} whose seed comes from the model (its seed and this layer's position). */
    public Dropout(double p) { this(p, null); }

    /** A dropout with a fixed seed of its own (the same in whatever model and position). */
    public Dropout(double p, long seed) { this(p, Long.valueOf(seed)); }

    private Dropout(double p, Long seed) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        this.p = (float) p;
        this.seed = seed;
    }

    @Override public String spec() { return "Dropout p=" + p + (seed == null ? "" : " seed=" + seed); }
    @Override public String describe() { return "Dropout(" + p + ")"; }
    @Override public Shape outputShape(Shape input) { return input; }

    @Override public Op create(LayerContext ctx) {
        String name = ctx.name() + " " + describe();
        Shape sample = ctx.sampleInput();
        long streamSeed = seed == null ? ctx.seed() : seed;
        return new Op() {
            private final BatchBuffer y = new BatchBuffer(sample), mask = new BatchBuffer(sample), dx = new BatchBuffer(sample);
            private Tensor m;
            private boolean identity;

            @Override public Tensor forward(Tensor x, boolean training) {
                int n = Checks.batchOf(name, x, sample);
                identity = !training || p == 0f;
                if (identity) return x;
                Tensor o = y.get(n);
                m = mask.get(n);
                Conv4jNative.dropoutForward(o.size(), p, Seeds.mix(streamSeed, ctx.trainingSteps().getAsLong()), x.pointer(), o.pointer(), m.pointer());
                return o;
            }

            @Override public Tensor backward(Tensor dy, boolean needInputGradient) {
                if (!needInputGradient || identity) return needInputGradient ? dy : null;
                Checks.outputGradient(name, m.shape(), dy);
                Tensor g = dx.get(dy.dim(0));
                Conv4jNative.mul(g.size(), dy.pointer(), m.pointer(), g.pointer());
                return g;
            }

            @Override public void releaseBuffers() { close(); }   // (each buffer allocates again at its next use)

            @Override public void close() { y.close(); mask.close(); dx.close(); }
        };
    }
}

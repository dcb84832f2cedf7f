package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;

/** Global average pooling: N×C×H×W → N×C×1×1 (an average pool whose window is the whole plane). */
public final class GlobalAvgPool2d implements Layer {
    @Override public String spec() { return "GlobalAvgPool2d"; }
    @Override public String describe() { return "GlobalAvgPool2d"; }

    @Override public Shape outputShape(Shape input) {
        Layer.requireRank(describe(), input, 4, "N×C×H×W");
        return Shape.of(input.dim(0), input.dim(1), 1, 1);
    }

    @Override public long flops(Shape sampleInput) { return sampleInput.size(); }

    /** Every output sees the whole plane. */
    @Override public ReceptiveField receptiveField(Shape sampleInput, ReceptiveField rf) { return rf.whole(); }

    @Override public Op create(LayerContext ctx) {
        Shape s = ctx.sampleInput();
        Layer.requireRank(ctx.name() + " " + describe(), s, 3, "C×H×W per sample");
        PoolWindow whole = PoolWindow.of("GlobalAvgPool2d", s.dim(1), s.dim(2));
        return AvgPool2d.runtime(ctx, whole, true, describe());
    }
}

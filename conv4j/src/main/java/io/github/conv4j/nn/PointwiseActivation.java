package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;

/**
 * A pointwise activation without options, run by {@link Pointwise}: its spec and its description
 * are its name, its output has its input's shape, and it costs a fixed number of operations a
 * value. Each one is still a class of its own, so that model files, the exporter and users name it.
 */
abstract class PointwiseActivation implements Layer {
    private final String name;
    private final int kind;
    private final int flopsPerValue;

    /** {@code kind} is the activation's {@code Conv4jNative.ACT_*} code. */
    PointwiseActivation(String name, int kind, int flopsPerValue) {
        this.name = name;
        this.kind = kind;
        this.flopsPerValue = flopsPerValue;
    }

    // Not final: javac then gives each public subclass public copies of these methods, so that
    // reflection from other packages finds them as it did when each class declared its own.
    @Override public String spec() { return name; }
    @Override public String describe() { return name; }
    @Override public Shape outputShape(Shape input) { return input; }
    @Override public long flops(Shape sampleInput) { return flopsPerValue * sampleInput.size(); }
    @Override public Op create(LayerContext ctx) { return Pointwise.runtime(ctx, kind, 0f, describe()); }
}

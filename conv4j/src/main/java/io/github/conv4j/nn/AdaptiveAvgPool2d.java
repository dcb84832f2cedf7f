package io.github.conv4j.nn;

import static io.github.conv4j.nn.Checks.positive;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/**
 * Adaptive average pooling N×C×H×W → N×C×OH×OW (PyTorch's AdaptiveAvgPool2d): output row i
 * averages input rows ⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉ − 1, columns alike, so the output size is fixed
 * whatever the input's (windows may overlap or differ in size; an output larger than the input
 * repeats cells). {@code new AdaptiveAvgPool2d(1)} is a global average pooling.
 */
public final class AdaptiveAvgPool2d implements Layer {
    private final int outH, outW;

    /** A square output of {@code size}×{@code size}. */
    public AdaptiveAvgPool2d(int size) { this(size, size); }

    /** An output of {@code outH}×{@code outW} per channel. */
    public AdaptiveAvgPool2d(int outH, int outW) {
        this.outH = positive("AdaptiveAvgPool2d", "output height", outH);
        this.outW = positive("AdaptiveAvgPool2d", "output width", outW);
    }

    @Override public String spec() { return "AdaptiveAvgPool2d size=" + outH + "," + outW; }
    @Override public String describe() { return "AdaptiveAvgPool2d(" + outH + "×" + outW + ")"; }

    @Override public Shape outputShape(Shape input) {
        Layer.requireRank(describe(), input, 4, "N×C×H×W");
        return Shape.of(input.dim(0), input.dim(1), outH, outW);
    }

    @Override public long flops(Shape sampleInput) {
        // every output reads its window, at most ⌊H/OH⌋ + 2 rows by ⌊W/OW⌋ + 2 columns: an upper bound
        long rows = sampleInput.dim(1) / outH + 2, cols = sampleInput.dim(2) / outW + 2;
        return (long) sampleInput.dim(0) * outH * outW * Math.min(rows, sampleInput.dim(1)) * Math.min(cols, sampleInput.dim(2));
    }

    @Override public Op create(LayerContext ctx) {
        String name = ctx.name() + " " + describe();
        Shape sample = ctx.sampleInput();
        Shape outSample = outputShape(sample.prependBatch(1)).dropBatch();   // also checks the rank
        int c = sample.dim(0), h = sample.dim(1), w = sample.dim(2);
        return new NativeBatchOp(name, sample, outSample) {
            @Override int compute(int n, Tensor x, Tensor y, boolean training) {
                return Conv4jNative.adaptiveAvgPool2dForward(n, c, h, w, outH, outW, x.pointer(), y.pointer());
            }

            @Override int gradient(int n, Tensor x, Tensor y, Tensor dy, Tensor dx) {
                return Conv4jNative.adaptiveAvgPool2dBackward(n, c, h, w, outH, outW, dy.pointer(), dx.pointer());
            }
        };
    }
}

package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;

/**
 * What a pooling layer over a {@link PoolWindow} (max or average) answers from its window alone:
 * the output shape, the receptive field and the FLOPs, each naming the layer by its
 * {@link #describe()} in errors. The layer adds its configuration methods (which return its own
 * type), its description and its runtime.
 */
abstract class WindowPool implements Layer {
    /** Kernel, stride, padding, dilation and rounding. */
    final PoolWindow win;

    WindowPool(PoolWindow win) { this.win = win; }

    @Override public final Shape outputShape(Shape input) { return win.outputShape(describe(), input); }

    @Override public final ReceptiveField receptiveField(Shape sampleInput, ReceptiveField rf) {
        return win.receptiveField(describe(), sampleInput, rf);
    }

    @Override public final long flops(Shape sampleInput) { return win.flops(describe(), sampleInput); }
}

package io.github.conv4j.optim;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A contiguous run of the flat parameter buffer updated with the same hyperparameters: elements
 * {@code [offset, offset + length)}, the learning rate as a multiple of the optimiser's current
 * one, and the weight decay. An optimiser makes one native call per range.
 */
record UpdateRange(long offset, long length, double lrFactor, float weightDecay) {
    /** Where this range starts in {@code buffer} (the parameters, gradients or an optimiser state of the same layout). */
    FloatPointer in(Tensor buffer) { return buffer.view(offset, Shape.of(Math.toIntExact(length))).pointer(); }

    /** {@code at}, an index of the flat buffer, as an index of this range, clamped to [0, length]: where a slice of the buffer starts or ends in it. */
    long clamp(long at) { return Math.max(0, Math.min(length, at - offset)); }

    /** The pointers to this range of each of {@code ranges} in {@code buffer}, made once so a step allocates nothing. */
    static FloatPointer[] in(java.util.List<UpdateRange> ranges, Tensor buffer) {
        return ranges.stream().map(r -> r.in(buffer)).toArray(FloatPointer[]::new);
    }
}

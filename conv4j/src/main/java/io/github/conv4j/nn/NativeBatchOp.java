package io.github.conv4j.nn;

import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/**
 * The runtime of a layer whose forward and backward are each a native pass over the whole
 * batch into a buffer of its own ({@link Pointwise}'s activations, {@link Softmax}, the poolings:
 * {@link AdaptiveAvgPool2d}, {@link AvgPool2d}, {@link MaxPool2d}, whose pass is split over the
 * workers): the checks, the reused buffers and what the backward reads written once, the layer
 * giving the two passes. The backward reads the last forward's input and output, which stay
 * valid (the previous layer's output, this op's buffer) until the next forward: the model refuses
 * a backward after a forward that failed or after {@link Model#releaseBuffers}. (A max pooling
 * whose training forward the convolution before it computed reads its argmax, not that input.)
 */
abstract class NativeBatchOp implements PlannedOp {
    /** The layer in errors: its context name and description. */
    protected final String name;
    private final Shape sample;
    private final BatchBuffer y, dx;
    private Tensor in, out;   // the last forward's

    /** An op of layer {@code name} from per-image {@code sample} inputs to {@code outSample} outputs. */
    NativeBatchOp(String name, Shape sample, Shape outSample) {
        this.name = name;
        this.sample = sample;
        y = new BatchBuffer(outSample);
        dx = new BatchBuffer(sample);
    }

    @Override public final BatchBuffer outputBuffer() { return y; }
    @Override public final BatchBuffer inputGradientBuffer() { return dx; }
    @Override public final boolean forwardWritesOutput() { return true; }
    @Override public final boolean backwardWritesInputGradient() { return true; }

    /** The native forward of {@code n} images from {@code x} into {@code y} (a {@code training} one keeps what its backward reads); its status. */
    abstract int compute(int n, Tensor x, Tensor y, boolean training);

    /** The native input gradient {@code dx} of the last forward's {@code n} images ({@code x} → {@code y}) from {@code dy}; its status. */
    abstract int gradient(int n, Tensor x, Tensor y, Tensor dy, Tensor dx);

    @Override public final Tensor forward(Tensor x, boolean training) {
        int n = Checks.batchOf(name, x, sample);
        Tensor o = y.get(n);   // its Shape holds the output's size checked in 64 bits
        int status = compute(n, x, o, training);
        if (status != Status.OK) Status.check(status, name);
        in = x;
        return out = o;
    }

    @Override public final Tensor backward(Tensor dy, boolean needInputGradient) {
        Checks.backward(name, out, dy);
        if (!needInputGradient) return null;
        int n = out.dim(0);
        Tensor g = dx.get(n);
        int status = gradient(n, in, out, dy, g);
        if (status != Status.OK) Status.check(status, name);
        return g;
    }

    @Override public void close() {
        y.close();
        dx.close();
    }
}

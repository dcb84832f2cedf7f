package io.github.conv4j.nn;

import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The runtime shared by the layers that only move channel planes ({@link ChannelShuffle},
 * {@link ChannelSlice}): one native copy over the whole batch forward, one back. Neither needs
 * the forward's input in backward, only its batch size.
 */
final class ChannelCopy {
    private ChannelCopy() {}

    /** A native copy of {@code n} samples from {@code from} to {@code to}, answering a {@link Status}. */
    @FunctionalInterface
    interface Kernel {
        int copy(int n, FloatPointer from, FloatPointer to);
    }

    static PlannedOp runtime(String name, Shape sample, Shape sampleOut, Kernel forward, Kernel backward) {
        return new PlannedOp() {
            private final BatchBuffer y = new BatchBuffer(sampleOut), dx = new BatchBuffer(sample);
            private Tensor out;   // the last forward's (null before it): its shape checks dy and gives the batch

            @Override public BatchBuffer outputBuffer() { return y; }
            @Override public BatchBuffer inputGradientBuffer() { return dx; }
            @Override public boolean forwardWritesOutput() { return true; }
            @Override public boolean backwardWritesInputGradient() { return true; }

            @Override public Tensor forward(Tensor x, boolean training) {
                int n = Checks.batchOf(name, x, sample);
                Tensor o = y.get(n);
                Status.check(forward.copy(n, x.pointer(), o.pointer()), name);
                return out = o;   // kept once written: a failed forward leaves the last one's
            }

            @Override public Tensor backward(Tensor dy, boolean needInputGradient) {
                Checks.backward(name, out, dy);
                int batch = out.dim(0);
                if (!needInputGradient) return null;
                Tensor g = dx.get(batch);
                Status.check(backward.copy(batch, dy.pointer(), g.pointer()), name);
                return g;
            }

            @Override public void close() { y.close(); dx.close(); }
        };
    }
}

package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Concatenation along the channel axis (PyTorch's {@code torch.cat(..., dim=1)}): inputs
 * N×C<sub>i</sub>×H×W (or N×C<sub>i</sub> features) that agree in every other dimension give
 * N×ΣC<sub>i</sub>×H×W. One native copy over the batch each way.
 */
public final class Concat implements MergeLayer {
    @Override public String spec() { return "Concat"; }
    @Override public String describe() { return "Concat"; }

    @Override public Shape outputShape(List<Shape> in) {
        if (in.size() < 2) throw new IllegalArgumentException("Concat needs at least two inputs, got " + in.size());
        Shape first = in.get(0);
        long channels = 0;
        for (Shape s : in) {
            boolean fits = s.rank() == first.rank();
            for (int d = 1; fits && d < s.rank(); d++) fits = s.dim(d) == first.dim(d);
            if (!fits)
                throw new IllegalArgumentException("inputs " + Checks.batchOf(first) + " and " + Checks.batchOf(s)
                        + " differ in more than the channel axis");
            channels += s.dim(0);
        }
        if (channels > Integer.MAX_VALUE) throw new IllegalArgumentException("concatenation of " + channels + " channels, more than 2^31-1");
        int[] out = first.dims();
        out[0] = (int) channels;
        return Shape.of(out);
    }

    @Override public MergeOp create(String name, List<Shape> sampleInputs) {
        Shape sample = outputShape(sampleInputs);
        String who = name + " " + describe();
        int count = sampleInputs.size();
        return new PlannedMerge() {
            private final BatchBuffer y = new BatchBuffer(sample);
            private final List<BatchBuffer> dx = new ArrayList<>();
            private final Tensor[] grads = new Tensor[count];
            private final List<Tensor> gradients = Arrays.asList(grads);
            private final PointerPointer<FloatPointer> inputs = new PointerPointer<>(count), dxs = new PointerPointer<>(count);
            private final LongPointer inner = new LongPointer(count);
            private Tensor out;   // the last forward's (null before it): its shape checks dy and gives the batch

            {
                for (int i = 0; i < count; i++) {
                    inner.put(i, sampleInputs.get(i).size());
                    dx.add(new BatchBuffer(sampleInputs.get(i)));
                }
            }

            @Override public BatchBuffer outputBuffer() { return y; }
            @Override public BatchBuffer inputGradientBuffer(int k) { return dx.get(k); }

            @Override public Tensor forward(List<Tensor> xs, boolean training) {
                int n = Checks.sameBatch(who, xs, sampleInputs);
                for (int i = 0; i < count; i++) inputs.put(i, xs.get(i).pointer());
                Tensor o = y.get(n);
                Status.check(Conv4jNative.concatForward(n, count, inner, inputs, o.pointer()), who);
                return out = o;   // kept once written: a failed forward leaves the last one's
            }

            @Override public List<Tensor> backward(Tensor dy) {
                Checks.backward(who, out, dy);
                int batch = out.dim(0);
                for (int i = 0; i < count; i++) {
                    grads[i] = dx.get(i).get(batch);
                    dxs.put(i, grads[i].pointer());
                }
                Status.check(Conv4jNative.concatBackward(batch, count, inner, dy.pointer(), dxs), who);
                return gradients;
            }

            @Override public void close() {
                y.close();
                dx.forEach(BatchBuffer::close);
                inputs.deallocate();
                dxs.deallocate();
                inner.deallocate();
            }
        };
    }
}

package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The elementwise sum of two or more inputs of one shape: a residual connection
 * ({@code y = F(x) + x}). Forward is one native pass over the batch; backward has nothing to
 * compute, since every input's gradient is the output's.
 */
public final class Add implements MergeLayer {
    @Override public String spec() { return "Add"; }
    @Override public String describe() { return "Add"; }

    @Override public Shape outputShape(List<Shape> in) {
        if (in.size() < 2) throw new IllegalArgumentException("Add needs at least two inputs, got " + in.size());
        for (Shape s : in)
            if (!s.equals(in.get(0)))
                throw new IllegalArgumentException("inputs " + Checks.batchOf(in.get(0)) + " and " + Checks.batchOf(s) + " differ");
        return in.get(0);
    }

    @Override public long flops(List<Shape> in) { return (in.size() - 1) * in.get(0).size(); }

    @Override public MergeOp create(String name, List<Shape> sampleInputs) {
        Shape sample = outputShape(sampleInputs);
        String who = name + " " + describe();
        return new MergeOp() {
            private final BatchBuffer y = new BatchBuffer(sample);
            private final PointerPointer<FloatPointer> inputs = new PointerPointer<>(sampleInputs.size());
            // d(a + b)/da = 1: each input's gradient is the output's. One list, refilled per call, so a step allocates nothing.
            private final Tensor[] gradients = new Tensor[sampleInputs.size()];
            private final List<Tensor> gradientList = Collections.unmodifiableList(Arrays.asList(gradients));
            private Shape shape;

            @Override public Tensor forward(List<Tensor> xs, boolean training) {
                int n = Checks.sameBatch(who, xs, sampleInputs);
                for (int i = 0; i < xs.size(); i++) inputs.put(i, xs.get(i).pointer());
                Tensor out = y.get(n);
                Status.check(Conv4jNative.sumForward(out.size(), xs.size(), inputs, out.pointer()), who);
                shape = out.shape();
                return out;
            }

            @Override public List<Tensor> backward(Tensor dy) {
                if (shape == null) throw new IllegalStateException(who + ": backward without a forward pass");
                Checks.outputGradient(who, shape, dy);
                Arrays.fill(gradients, dy);
                return gradientList;
            }

            @Override public void close() { y.close(); inputs.deallocate(); }
        };
    }
}

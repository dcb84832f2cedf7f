package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * The product of two inputs, elementwise, or broadcasting a gate of one value per channel
 * (N×C×1×1) over a feature map (N×C×H×W), in either order: the gate of squeeze-and-excitation.
 * One native pass over the batch each way; the gate's gradient sums each plane in double.
 */
public final class Mul implements MergeLayer {
    @Override public String spec() { return "Mul"; }
    @Override public String describe() { return "Mul"; }

    /** Which input is the gate (one value per plane): 1 unless only the first is of that form. */
    private static int gateIndex(List<Shape> in) {
        if (in.size() != 2) throw new IllegalArgumentException("Mul takes two inputs, got " + in.size());
        Shape a = in.get(0), b = in.get(1);
        if (a.equals(b) || isGateOf(b, a)) return 1;
        if (isGateOf(a, b)) return 0;
        throw new IllegalArgumentException("inputs " + Checks.batchOf(a) + " and " + Checks.batchOf(b)
                + " are neither of one shape nor [N, C, H, W] and a gate [N, C, 1, 1]");
    }

    private static boolean isGateOf(Shape gate, Shape map) {
        return gate.rank() == 3 && map.rank() == 3 && gate.dim(0) == map.dim(0) && gate.dim(1) == 1 && gate.dim(2) == 1;
    }

    @Override public Shape outputShape(List<Shape> in) { return in.get(1 - gateIndex(in)); }

    @Override public long flops(List<Shape> in) { return outputShape(in).size(); }

    @Override public MergeOp create(String name, List<Shape> sampleInputs) {
        int g = gateIndex(sampleInputs), m = 1 - g;
        Shape sample = sampleInputs.get(m);
        long gatesPerSample = sampleInputs.get(g).size(), plane = sample.size() / gatesPerSample;
        String who = name + " " + describe();
        return new PlannedMerge() {
            private final BatchBuffer y = new BatchBuffer(sample), dMap = new BatchBuffer(sample), dGate = new BatchBuffer(sampleInputs.get(g));
            private final Tensor[] grads = new Tensor[2];
            private final List<Tensor> gradients = Arrays.asList(grads);
            private Tensor map, gate;

            @Override public BatchBuffer outputBuffer() { return y; }
            @Override public BatchBuffer inputGradientBuffer(int k) { return k == m ? dMap : dGate; }

            @Override public Tensor forward(List<Tensor> xs, boolean training) {
                int n = Checks.sameBatch(who, xs, sampleInputs);
                map = xs.get(m);
                gate = xs.get(g);
                Tensor out = y.get(n);
                Status.check(Conv4jNative.scaleForward(n * gatesPerSample, plane, map.pointer(), gate.pointer(), out.pointer()), who);
                return out;
            }

            @Override public List<Tensor> backward(Tensor dy) {
                Checks.backward(who, map == null || !map.isOpen() || !gate.isOpen() ? null : map.shape(), dy);
                int n = map.dim(0);
                grads[m] = dMap.get(n);
                grads[g] = dGate.get(n);
                Status.check(Conv4jNative.scaleBackward(n * gatesPerSample, plane, map.pointer(), gate.pointer(), dy.pointer(),
                        grads[m].pointer(), grads[g].pointer()), who);
                return gradients;
            }

            @Override public void close() { y.close(); dMap.close(); dGate.close(); }
        };
    }
}

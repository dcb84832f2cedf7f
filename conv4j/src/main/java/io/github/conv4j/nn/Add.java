package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The elementwise sum of two or more inputs of one shape: a residual connection
 * ({@code y = F(x) + x}). Forward is one native pass over the batch; backward has nothing to
 * compute, since every input's gradient is the output's. In a {@link Graph} it rectifies its own
 * output when a ReLU is its only reader (a residual block's last), which then has only its
 * backward left to compute, and it normalises an input that is a batch normalisation's output
 * read by nothing else as it adds it (the block's second batch norm: that output is then never
 * written, nor kept).
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
        long perImage = sample.size();
        return new SumOp() {
            private final BatchBuffer y = new BatchBuffer(sample);
            private final PointerPointer<FloatPointer> inputs = new PointerPointer<>(sampleInputs.size());
            // d(a + b)/da = 1: each input's gradient is the output's. One list, refilled per call, so a step allocates nothing.
            private final Tensor[] gradients = new Tensor[sampleInputs.size()];
            private final List<Tensor> gradientList = Collections.unmodifiableList(Arrays.asList(gradients));
            private final BatchShards shards = new BatchShards(List.of());   // images split over the workers, as for ReLU
            private final IntConsumer forwardShard = this::forwardShard, normalizeShard = this::normalizeShard;
            private boolean relu;
            private NormOp norm;   // input normK is this batch norm's input, normalised here (null: none)
            private int normK, channels;
            private Tensor out, normInput, other;   // the current call's, read by the shards

            @Override public boolean normalizeInput(int k, NormOp bn) {
                // two inputs of N×C×H×W whose C the batch norm's affine covers
                if (norm != null || sampleInputs.size() != 2 || sample.rank() != 3 || bn.affine().size() != 2L * sample.dim(0)
                        || bn.planeSize() != (long) sample.dim(1) * sample.dim(2))
                    return false;
                norm = bn;
                normK = k;
                channels = sample.dim(0);
                return true;
            }

            private void normalizeShard(int s) {
                Conv4jNative.batchNorm2dNormalize(out.dim(0), channels, norm.planeSize(), shards.begin(s), shards.end(s), relu ? 1 : 0,
                        normInput.pointer(), norm.affine().pointer(), other.pointer(), out.pointer());
            }

            @Override public BatchBuffer outputBuffer() { return y; }
            @Override public BatchBuffer inputGradientBuffer(int k) { return null; }   // d(a + b)/da = 1: dy itself

            @Override public boolean fuseReluForward() {
                relu = true;
                return true;
            }

            private void forwardShard(int s) {
                Status.check(Conv4jNative.sumForward(shards.begin(s) * perImage, shards.end(s) * perImage, sampleInputs.size(), inputs,
                        relu ? 1 : 0, out.pointer()), who);
            }

            @Override public Tensor forward(List<Tensor> xs, boolean training) {
                int n = Checks.sameBatch(who, xs, sampleInputs);
                out = y.get(n);
                shards.split(n, Integer.MAX_VALUE);
                if (norm != null) {
                    normInput = xs.get(normK);
                    other = xs.get(1 - normK);
                    shards.run(normalizeShard, false);
                    return out;
                }
                for (int i = 0; i < xs.size(); i++) inputs.put(i, xs.get(i).pointer());
                shards.run(forwardShard, false);
                return out;
            }

            @Override public List<Tensor> backward(Tensor gradient) {
                Checks.backward(who, out, gradient);
                Arrays.fill(gradients, gradient);
                return gradientList;
            }

            @Override public void close() { y.close(); inputs.deallocate(); shards.close(); }
        };
    }
}

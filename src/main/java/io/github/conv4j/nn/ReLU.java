package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.function.IntConsumer;

/** max(0, x), elementwise; the derivative at 0 is 0 (as PyTorch). */
public final class ReLU implements Layer {
    @Override public String spec() { return "ReLU"; }
    @Override public String describe() { return "ReLU"; }
    @Override public Shape outputShape(Shape input) { return input; }
    @Override public long flops(Shape sampleInput) { return sampleInput.size(); }

    @Override public Op create(LayerContext ctx) {
        String name = ctx.name() + " ReLU";
        Shape sample = ctx.sampleInput();
        final long perImage = sample.size();
        return new Op() {
            private final BatchBuffer y = new BatchBuffer(sample), dx = new BatchBuffer(sample);
            // the images split over the workers, as for pooling (measured: single-threaded ReLU
            // took as long as both pooling layers)
            private final BatchShards shards = new BatchShards(List.of());
            private Tensor x, out, dy, g;
            private final IntConsumer forwardShard = s -> Conv4jNative.reluForward(shards.begin(s) * perImage,
                    shards.end(s) * perImage, x.pointer(), out.pointer());
            private final IntConsumer backwardShard = s -> Conv4jNative.reluBackward(shards.begin(s) * perImage,
                    shards.end(s) * perImage, out.pointer(), dy.pointer(), g.pointer());

            @Override public Tensor forward(Tensor input, boolean training) {
                int n = Checks.batchOf(name, input, sample);
                x = input;
                out = y.get(n);
                shards.split(n, Integer.MAX_VALUE);
                shards.run(forwardShard, false);
                return out;
            }

            @Override public Tensor backward(Tensor dy, boolean needInputGradient) {
                if (out == null) throw new IllegalStateException(name + ": backward without a forward pass");
                if (!dy.shape().equals(out.shape()))
                    throw new IllegalArgumentException(name + ": expected output gradient " + out.shape() + ", got " + dy.shape());
                if (!needInputGradient) return null;
                int n = out.dim(0);
                this.dy = dy;
                g = dx.get(n);
                shards.split(n, Integer.MAX_VALUE);
                shards.run(backwardShard, false);
                return g;
            }

            @Override public void close() { y.close(); dx.close(); shards.close(); }
        };
    }
}

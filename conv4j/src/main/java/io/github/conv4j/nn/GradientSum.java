package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * {@code out = a + b} over a batch, the images split over the workers: how a {@link Graph} sums
 * the gradients a node gets from its several readers (a residual block's input: the addition's
 * and the first convolution's). One pass reading both and writing the sum, where copying the
 * first and adding the second in place made two, on one thread; {@code out} may be {@code a}.
 * Allocates nothing per call.
 */
final class GradientSum implements AutoCloseable {
    private final PointerPointer<FloatPointer> inputs = new PointerPointer<>(2);
    private final BatchShards shards = new BatchShards(List.of());
    private final IntConsumer shard = this::shard;
    private final String who;
    private long perImage;
    private Tensor out;   // the current call's, read by the shards

    GradientSum(String who) { this.who = who; }

    /** Writes a + b into out; the three have one shape (checked by the caller). */
    void sum(Tensor a, Tensor b, Tensor out) {
        int n = out.dim(0);
        perImage = out.size() / n;
        inputs.put(0, a.pointer());
        inputs.put(1, b.pointer());
        this.out = out;
        shards.split(n, Integer.MAX_VALUE);
        shards.run(shard, false);
        this.out = null;
    }

    private void shard(int s) {
        Status.check(Conv4jNative.sumForward(shards.begin(s) * perImage, shards.end(s) * perImage, 2, inputs, 0, out.pointer()), who);
    }

    @Override public void close() {
        inputs.deallocate();
        shards.close();
    }
}

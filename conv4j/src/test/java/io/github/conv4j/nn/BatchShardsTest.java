package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.RestoreParallelism;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a layer call that BatchShards keeps on one thread does to the process-wide OpenBLAS
 * setting; where the other workers sum their parameter gradients.
 */
@ExtendWith(RestoreParallelism.class)
class BatchShardsTest {
    /**
     * Two layers' calls over two workers: each worker's sums reach the layer's gradients, the
     * second worker's in one memory of the model's workspace as large as the larger layer's
     * (nothing of its own per layer), which the smaller layer views again after it grew.
     */
    @Test void theOtherWorkersSumInOneMemoryOfTheModel() {
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        try (Workspace ws = new Workspace(); Tensor a = Tensor.zeros(7); Tensor b = Tensor.zeros(3); Tensor c = Tensor.zeros(30)) {
            long before = Tensor.liveBytes();
            try (BatchShards small = new BatchShards(List.of(a, b), ws); BatchShards large = new BatchShards(List.of(c), ws)) {
                assertEquals(before, Tensor.liveBytes(), "no buffers of their own");
                for (BatchShards layer : List.of(small, large, small)) {
                    assertEquals(2, layer.split(4, Integer.MAX_VALUE));
                    layer.run(s -> {
                        for (Tensor t : layer.gradients(s)) t.fill(s + 1f);   // worker 0 writes the layer's own
                    }, true);
                }
                for (Tensor t : List.of(a, b, c))
                    for (float v : t.toArray()) assertEquals(1f + 2f, v, "worker 0's and worker 1's sums");
                assertEquals(30 * Float.BYTES, Tensor.liveBytes() - before, "one memory, the larger layer's");
            }
        }
    }

    @Test void oneShardOfSeveralImagesLeavesOpenBlasSingleThreaded() {
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        try (BatchShards shards = new BatchShards(List.of())) {
            assertEquals(1, shards.split(32, 1), "a layer limiting itself to one worker");
            int[] seen = new int[1];
            shards.run(s -> seen[0] = Conv4jNative.getNumThreads(), false);
            // Widened here, another model's GEMM on another thread would sum in other blocks.
            assertEquals(1, seen[0], "OpenBLAS threads while a 32-image call runs on one shard");
        }
    }

    @Test void aBatchOfOneLeavesOpenBlasSingleThreadedToo() {
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        try (BatchShards shards = new BatchShards(List.of())) {
            assertEquals(1, shards.split(1, Integer.MAX_VALUE));
            int[] seen = new int[1];
            shards.run(s -> seen[0] = Conv4jNative.getNumThreads(), false);
            // It used to be widened (a batch of one cannot be split): see BatchOneDeterminismTest.
            assertEquals(1, seen[0], "OpenBLAS threads while a one-image call runs");
        }
    }
}

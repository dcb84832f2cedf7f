package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.testing.RestoreParallelism;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a layer call that BatchShards keeps on one thread does to the process-wide OpenBLAS setting. */
@ExtendWith(RestoreParallelism.class)
class BatchShardsTest {
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

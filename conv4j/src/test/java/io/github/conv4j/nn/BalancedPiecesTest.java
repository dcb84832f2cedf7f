package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.RandomFloats;
import io.github.conv4j.testing.RestoreParallelism;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * BatchShards.balance's pieces (more shards than threads, handed to whichever thread is free) and
 * what they rely on: the pool runs every piece once on no more threads than asked (a piece's
 * scratch is its thread's slot), and a convolution's forward gives the same bits however the
 * batch is cut.
 */
@ExtendWith(RestoreParallelism.class)
class BalancedPiecesTest {
    @Test void sixtyFourImagesOnTwoWorkersAreCutIntoShrinkingPieces() {
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        try (BatchShards shards = new BatchShards(List.of())) {
            assertEquals(2, shards.balance(64, Integer.MAX_VALUE));
            assertEquals(2, shards.threads());
            int[] sizes = new int[shards.count()];
            for (int s = 0; s < sizes.length; s++) sizes[s] = shards.end(s) - shards.begin(s);
            assertArrayEquals(new int[] {24, 24, 4, 3, 3, 2, 1, 1, 1, 1}, sizes);
        }
    }

    @Test void piecesCoverEveryBatchOnceAndShrink() {
        Parallelism.configure(3, Parallelism.Mode.BATCH);
        try (BatchShards shards = new BatchShards(List.of())) {
            for (int n = 1; n <= 300; n++) {
                int w = shards.balance(n, Integer.MAX_VALUE);
                assertEquals(Math.min(3, n), w, "workers for " + n);
                int count = shards.count();
                assertTrue(count >= w && count <= BatchShards.MAX_PIECES, n + " images: " + count + " pieces");
                assertEquals(0, shards.begin(0));
                assertEquals(n, shards.end(count - 1), "the last piece ends the batch of " + n);
                for (int s = 0; s < count; s++) {
                    assertTrue(shards.end(s) > shards.begin(s), "piece " + s + " of " + n + " is empty");
                    if (s > 0) assertEquals(shards.end(s - 1), shards.begin(s), "pieces " + (s - 1) + " and " + s + " of " + n + " touch");
                    // after the workers' first pieces, none is larger than the one before (the large ones start first)
                    if (s > w) assertTrue(shards.end(s) - shards.begin(s) <= shards.end(s - 1) - shards.begin(s - 1), n + " images, piece " + s);
                }
            }
        }
    }

    @Test void largeGradientsKeepOnePiecePerWorker() {
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        // one buffer more than the budget allows for a second piece's gradients: no pieces beyond the workers
        try (Tensor g = Tensor.zeros(Math.toIntExact(BatchShards.PIECE_GRADIENT_FLOATS / 2 + 1));
             BatchShards shards = new BatchShards(List.of(g))) {
            assertEquals(2, shards.balance(64, Integer.MAX_VALUE));
            assertEquals(2, shards.count());
            assertEquals(32, shards.begin(1));
        }
        try (Tensor g = Tensor.zeros(1000); BatchShards shards = new BatchShards(List.of(g))) {
            shards.balance(64, Integer.MAX_VALUE);
            assertEquals(10, shards.count(), "a small gradient affords every piece a buffer");
        }
    }

    @Test void oneThreadIsOnePiece() {
        Parallelism.configure(1, Parallelism.Mode.BATCH);
        try (BatchShards shards = new BatchShards(List.of())) {
            assertEquals(1, shards.balance(64, Integer.MAX_VALUE));
            assertEquals(1, shards.count());
            assertEquals(64, shards.end(0));
        }
    }

    @Test void piecesAddTheirGradientsIntoTheModelsOwn() {
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        try (Tensor g = Tensor.zeros(5); BatchShards shards = new BatchShards(List.of(g))) {
            g.fill(0.5f);   // what an earlier backward left: accumulated onto, not replaced
            shards.balance(64, Integer.MAX_VALUE);
            int count = shards.count();
            shards.run(s -> {
                Tensor mine = shards.gradients(s)[0];
                float[] v = mine.toArray();
                for (int i = 0; i < v.length; i++) v[i] += shards.end(s) - shards.begin(s);   // this piece's images
                mine.copyFrom(v);
            }, true);
            assertTrue(count > 2);
            assertArrayEquals(new float[] {64.5f, 64.5f, 64.5f, 64.5f, 64.5f}, g.toArray(), "every piece counted once");
        }
    }

    @Test void morePiecesThanThreadsRunOnceEachWithinTheSlotsAsked() {
        Parallelism.configure(3, Parallelism.Mode.BATCH);
        AtomicIntegerArray runs = new AtomicIntegerArray(40), slots = new AtomicIntegerArray(40);
        for (int call = 0; call < 50; call++) {
            for (int i = 0; i < 40; i++) { runs.set(i, 0); slots.set(i, -1); }
            Parallelism.pool().run(s -> {
                runs.incrementAndGet(s);
                slots.set(s, ShardPool.slot());
                for (long spin = System.nanoTime(); System.nanoTime() - spin < 20_000; ) Thread.onSpinWait();   // long enough for the workers to join
            }, 40, 2);
            for (int i = 0; i < 40; i++) {
                assertEquals(1, runs.get(i), "piece " + i + " of call " + call);
                assertTrue(slots.get(i) == 0 || slots.get(i) == 1, "piece " + i + " ran in slot " + slots.get(i) + " of a two-thread call");
            }
        }
    }

    /** Forward outputs of a convolution layer: whole batch on one thread, halves on two, then the balanced pieces. */
    @Test void convolutionForwardGivesTheSameBitsOnAnyCut() {
        int[][] layers = {{1, 32, 28}, {32, 64, 14}};   // the reference CNN's two: in, out, plane
        for (int[] l : layers) {
            Shape in = Shape.of(l[0], l[2], l[2]);
            float[] x = RandomFloats.gaussian(new Random(11), 64L * in.size());
            float[] one = forward(1, true, in, l[1], x), halves = forward(2, false, in, l[1], x), pieces = forward(2, true, in, l[1], x);
            assertArrayEquals(one, halves, "conv " + l[0] + "→" + l[1] + ": two halves against one thread");
            assertArrayEquals(one, pieces, "conv " + l[0] + "→" + l[1] + ": balanced pieces against one thread");
        }
    }

    private static float[] forward(int threads, boolean pieces, Shape in, int out, float[] x) {
        Parallelism.configure(threads, Parallelism.Mode.BATCH);
        boolean was = BatchShards.piecesOn;
        BatchShards.piecesOn = pieces;
        try (Sequential m = new Sequential(in, 5, List.of(new Conv2d(in.dim(0), out, 5).padding(2), new ReLU()));
             Tensor batch = Tensor.of(x, 64, in.dim(0), in.dim(1), in.dim(2))) {
            return m.forward(batch).toArray();
        } finally {
            BatchShards.piecesOn = was;
        }
    }
}

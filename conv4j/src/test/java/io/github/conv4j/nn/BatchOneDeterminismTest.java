package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Batch-1 inference gives the same bits whether a model runs alone or beside another model on
 * another thread. The pool's one-shard path used to widen OpenBLAS's process-wide thread count
 * for a batch of one, so a model whose call found the pool busy ran its GEMMs with whatever
 * count the other model had set at that moment, and OpenBLAS splits a product differently on
 * one thread and on two. Saves and restores {@link Parallelism} itself (a class of its own for
 * that reason).
 */
class BatchOneDeterminismTest {
    private final int threadsBefore = Parallelism.threads();
    private final Parallelism.Mode modeBefore = Parallelism.mode();

    @AfterEach void restore() { Parallelism.configure(threadsBefore, modeBefore); }

    /**
     * A model whose batch-1 products OpenBLAS sums differently on one thread and on two: a 1x1
     * convolution (always OpenBLAS's sgemm, 16 x 196 x 784: OpenBLAS 0.3.31 splits a depth of 784
     * over two threads, other last bits in three outputs of four), with too few output channels
     * to be split over the workers, then a fully connected layer.
     */
    private static Sequential model(long seed) {
        return Sequential.forInference(Shape.of(784, 14, 14), seed, List.of(new Conv2d(784, 16, 1), new ReLU(), new Flatten(),
                new Linear(16 * 14 * 14, 10)));
    }

    private static Tensor image(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[784 * 14 * 14];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1);
        return Tensor.of(x, 1, 784, 14, 14);
    }

    @Test void twoModelsServingBatchOneAtOnceGiveTheBitsEachGivesAlone() throws Exception {
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        try (Sequential a = model(1), b = model(2); Tensor xa = image(3), xb = image(4)) {
            Sequential[] models = {a, b};
            Tensor[] inputs = {xa, xb};
            float[][] alone = {a.forward(xa).toArray(), b.forward(xb).toArray()};
            int calls = 2000;
            int[] mismatches = new int[2];
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CyclicBarrier start = new CyclicBarrier(2);
            Thread[] callers = new Thread[2];
            for (int m = 0; m < 2; m++) {
                int which = m;
                callers[m] = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < calls; i++)
                            if (!Arrays.equals(alone[which], models[which].forward(inputs[which]).toArray())) mismatches[which]++;
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                }, "model-" + which);
                callers[m].start();
            }
            for (Thread t : callers) t.join();
            assertNull(failure.get(), () -> "a caller failed: " + failure.get());
            assertEquals(0, mismatches[0] + mismatches[1], "calls of " + 2 * calls + " whose output differed from the model alone "
                    + "(model 0: " + mismatches[0] + ", model 1: " + mismatches[1] + ")");
            assertEquals(1, Conv4jNative.getNumThreads(), "OpenBLAS single-threaded after the calls");
        }
    }
}

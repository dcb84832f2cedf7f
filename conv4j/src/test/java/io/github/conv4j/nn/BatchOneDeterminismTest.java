package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.RestoreParallelism;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batch-1 inference gives the same bits whether a model runs alone or beside another model on
 * another thread. The pool's one-shard path used to widen OpenBLAS's process-wide thread count
 * for a batch of one, so a model whose call found the pool busy ran its GEMMs with whatever
 * count the other model had set at that moment, and OpenBLAS may split a product differently on
 * one thread and on two.
 */
@ExtendWith(RestoreParallelism.class)
class BatchOneDeterminismTest {

    /**
     * A model whose batch-1 product OpenBLAS can sum differently on one thread and on two: a 1x1
     * convolution (always OpenBLAS's sgemm, 16 x 196 x 784: OpenBLAS 0.3.31's SkylakeX kernels
     * split a depth of 784 over two threads, other last bits in three outputs of four; its Haswell
     * kernels do not) with too few output channels to be split over the workers (a one-shard
     * call, which used to widen OpenBLAS), then a fully connected layer.
     */
    private static Sequential pointwise(long seed) {
        return Sequential.forInference(Shape.of(784, 14, 14), seed, List.of(new Conv2d(784, 16, 1), new ReLU(), new Flatten(),
                new Linear(16 * 14 * 14, 10)));
    }

    /**
     * A model that keeps the pool busy with split calls (its 88 M multiply-add convolution is split
     * by output channels), during which the other model's calls run on their own thread with
     * OpenBLAS as the pool left it: single-threaded, where alone they were widened.
     */
    private static Sequential wide(long seed) {
        return Sequential.forInference(Shape.of(784, 14, 14), seed, List.of(new Conv2d(784, 64, 3).padding(1), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Linear(64 * 7 * 7, 10)));
    }

    private static Tensor image(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[784 * 14 * 14];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1);
        return Tensor.of(x, 1, 784, 14, 14);
    }

    @Test void twoModelsServingBatchOneAtOnceGiveTheBitsEachGivesAlone() throws Exception {
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        try (Sequential a = pointwise(1); Sequential b = wide(2); Tensor xa = image(3); Tensor xb = image(4)) {
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
    /**
     * What the bits above depend on, seen directly (OpenBLAS's Haswell kernels, which this
     * machine's environment forces, sum these products alike on one thread and on two, so the
     * comparison above passed on the old code too here): while one model serves batch-1 calls,
     * the process-wide OpenBLAS thread count another thread's products would run with stays 1.
     * The pool's one-shard path used to set it to every thread for the length of each call.
     */
    @Test void openBlasStaysSingleThreadedWhileAModelServesBatchOne() throws Exception {
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        try (Sequential a = pointwise(1); Tensor xa = image(3)) {
            a.forward(xa);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicBoolean done = new AtomicBoolean();
            Thread caller = new Thread(() -> {
                try {
                    for (int i = 0; i < 500; i++) a.forward(xa);
                } catch (Throwable t) {
                    failure.set(t);
                } finally {
                    done.set(true);
                }
            }, "model-caller");
            caller.start();
            long samples = 0, widened = 0;
            while (!done.get()) {
                samples++;
                if (Conv4jNative.getNumThreads() != 1) widened++;
            }
            caller.join();
            assertNull(failure.get(), () -> "the caller failed: " + failure.get());
            assertTrue(samples > 0, "OpenBLAS's thread count was never sampled while the model ran");
            assertEquals(0, widened, "samples of " + samples + " that saw OpenBLAS on more than one thread");
        }
    }
}

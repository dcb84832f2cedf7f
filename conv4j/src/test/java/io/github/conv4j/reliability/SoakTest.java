package io.github.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.optim.Sgd;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * Trains a small model for many steps and checks that native memory stays flat after warm-up:
 * no tensor allocated per step, JavaCPP's byte count unchanged, resident memory growing by less
 * than 1 KB a step. CI runs 2,000 steps; {@code -Dconv4j.soak.steps=10000} runs the long version.
 */
class SoakTest {
    /**
     * Resident memory in KB, through JavaCPP, which asks each OS its own way (Linux /proc, macOS
     * task_info, Windows working set): the CI jobs on macOS and Windows have no /proc.
     */
    static long rssKb() {
        long bytes = Pointer.physicalBytes();
        assertTrue(bytes > 0, "JavaCPP cannot read the resident memory on " + System.getProperty("os.name"));
        return bytes / 1024;
    }

    static long gcCount() {
        long n = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, gc.getCollectionCount());
        return n;
    }

    @Test void nativeMemoryStaysFlat() throws Exception {
        int steps = Integer.getInteger("conv4j.soak.steps", 2000);
        SplittableRandom rng = new SplittableRandom(1);
        float[] xs = new float[32 * 28 * 28];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) rng.nextGaussian();
        try (Sequential m = new Sequential(Shape.of(1, 28, 28), 1, List.of(new Conv2d(1, 8, 3).padding(1), new ReLU(),
                     new MaxPool2d(2), new Conv2d(8, 8, 3).padding(1), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(392, 10)));
             Sgd sgd = new SgdConfig().learningRate(0.01).momentum(0.9).create(m);
             SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
             Tensor x = Tensor.of(xs, 32, 1, 28, 28);
             IntTensor labels = new IntTensor(32)) {
            for (int i = 0; i < 32; i++) labels.set(i, i % 10);
            Runnable step = () -> {
                m.zeroGrad();
                loss.forward(m.forward(x), labels);
                m.backward(loss.gradient());
                sgd.step();
            };
            // Warm-up: resident memory grows by about 1 MB over the first ~500 steps (JIT-compiled code,
            // allocator arenas), far more slowly after that (measured on Linux).
            for (int i = 0; i < 800; i++) step.run();
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            // Resident memory is read outside the heap measurement: reading it allocates.
            long rss0 = rssKb();
            long live = Tensor.liveCount(), liveBytes = Tensor.liveBytes(), javacppBytes = Pointer.totalBytes();
            long heap0 = threads.getCurrentThreadAllocatedBytes(), gc0 = gcCount();
            for (int i = 0; i < steps; i++) step.run();
            double heapPerStep = (double) (threads.getCurrentThreadAllocatedBytes() - heap0) / steps;
            long rss1 = rssKb();
            long gcs = gcCount() - gc0;
            System.out.printf("soak: Java heap allocated on the training thread: %.1f bytes per step; %d GCs in %d steps%n",
                    heapPerStep, gcs, steps);
            assertTrue(heapPerStep < 64, "a training step allocates " + heapPerStep + " bytes on the Java heap");
            // No growth. (A decrease is possible: objects other tests dropped may be collected meanwhile.)
            assertTrue(Tensor.liveCount() <= live, "tensors allocated during steady training: " + live + " -> " + Tensor.liveCount());
            assertTrue(Tensor.liveBytes() <= liveBytes, "tensor bytes after " + steps + " steps: " + liveBytes + " -> " + Tensor.liveBytes());
            assertTrue(Pointer.totalBytes() <= javacppBytes,
                    "JavaCPP native bytes after " + steps + " steps: " + javacppBytes + " -> " + Pointer.totalBytes());
            System.out.printf("soak: %d steps, RSS %d KB -> %d KB (%+.2f%%), %d live tensors, %d bytes%n", steps, rss0, rss1,
                    100.0 * (rss1 - rss0) / rss0, live, liveBytes);
            // KB against steps: under 1 KB a step. After warm-up it grew 0.1-0.35 KB a step in runs here; an
            // injected, untracked native leak of 1.5 KB a step (one malloc) fails this. An absolute bound, not a
            // share of the total, which depends on what else ran in this JVM (the old 1 % failed when run alone).
            assertTrue(rss1 - rss0 < steps, "resident memory grew from " + rss0 + " KB to " + rss1 + " KB in " + steps + " steps");
        }
    }

    @Test void closeIsIdempotentAndLeaksAreCounted() throws Exception {
        Tensor t = Tensor.zeros(4);
        long live = Tensor.liveCount();
        t.close();
        t.close();
        assertEquals(live - 1, Tensor.liveCount());
        long leaks = Tensor.leaks();
        for (int i = 0; i < 50; i++) Tensor.zeros(1024);   // dropped without close()
        for (int i = 0; i < 50 && Tensor.leaks() == leaks; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(Tensor.leaks() > leaks, "a garbage-collected, unclosed tensor is counted as a leak");
    }
}

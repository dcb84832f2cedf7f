package io.github.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.LayerContext;
import io.github.conv4j.nn.Op;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One model used from two threads at once is refused with a clear error, never corrupted
 * silently. Instead of racing two threads until they happen to overlap, a gate layer holds the
 * first thread inside the model's forward (or backward) until the second has made its call, so
 * the overlap happens on every run, at once.
 */
class ConcurrentUseTest {

    /**
     * An identity layer that reports each pass entering it, then waits to be let through. A second
     * pass arriving while one waits means the model let two threads in: it fails at once rather
     * than waiting too.
     */
    private static final class Gate implements Layer {
        final Semaphore entered = new Semaphore(0), release = new Semaphore(0);
        private final AtomicInteger inside = new AtomicInteger();

        @Override public String spec() { return "Gate"; }
        @Override public String describe() { return "Gate"; }
        @Override public Shape outputShape(Shape input) { return input; }

        @Override public Op create(LayerContext context) {
            return new Op() {
                @Override public Tensor forward(Tensor x, boolean training) { return pass(x); }
                @Override public Tensor backward(Tensor dy, boolean needInputGradient) { return needInputGradient ? pass(dy) : null; }
                @Override public void close() {}
            };
        }

        private Tensor pass(Tensor t) {
            if (inside.incrementAndGet() > 1) {
                inside.decrementAndGet();
                throw new AssertionError("two passes inside one model at once: concurrent use was not refused");
            }
            entered.release();
            try {
                if (!release.tryAcquire(30, TimeUnit.SECONDS)) throw new AssertionError("the test never opened the gate");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } finally {
                inside.decrementAndGet();
            }
            return t;
        }

        /** Lets this many passes through: the one waiting in the gate, if any, first. */
        void open(int passes) { release.release(passes); }
    }

    /** How many times the overlap is forced: each round a fresh pair of calls, forward then backward. */
    private static final int ROUNDS = 5;

    @Test void secondThreadIsRefusedWhileTheFirstRuns() throws Exception {
        Gate gate = new Gate();
        ExecutorService first = Executors.newSingleThreadExecutor();
        // The gate is the second layer, so the model is inside a real convolution's pass when it blocks.
        try (Sequential m = new Sequential(Shape.of(2, 8, 8), 1, List.of(new Conv2d(2, 2, 3).padding(1), gate));
             Tensor x = Tensor.zeros(4, 2, 8, 8);
             Tensor dy = Tensor.zeros(4, 2, 8, 8)) {
            for (int round = 0; round < ROUNDS; round++) {
                Future<Tensor> forward = first.submit(() -> m.forward(x));
                assertTrue(gate.entered.tryAcquire(30, TimeUnit.SECONDS), "the first thread's forward reached the gate");
                refused(() -> m.forward(x));
                refused(() -> m.backward(dy, true));
                gate.open(1);
                assertEquals(x.shape(), forward.get(30, TimeUnit.SECONDS).shape(), "the first thread's forward finished");

                Future<Tensor> backward = first.submit(() -> m.backward(dy, true));
                assertTrue(gate.entered.tryAcquire(30, TimeUnit.SECONDS), "the first thread's backward reached the gate");
                refused(() -> m.forward(x));
                gate.open(1);
                assertEquals(x.shape(), backward.get(30, TimeUnit.SECONDS).shape(), "the first thread's backward finished");
            }
            // Once the first thread is done the model is free again: the refusals left nothing locked.
            gate.open(2);
            m.forward(x);
            m.backward(dy, true);
        } finally {
            first.shutdownNow();
        }
    }

    private static void refused(org.junit.jupiter.api.function.Executable secondCall) {
        IllegalStateException e = assertThrows(IllegalStateException.class, secondCall, "a second thread ran the model at the same time");
        assertTrue(e.getMessage().contains("another thread"), e.getMessage());
    }
}

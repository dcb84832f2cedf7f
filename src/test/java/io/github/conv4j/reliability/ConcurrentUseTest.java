package io.github.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** One model used from two threads at once is refused with a clear error, never corrupted silently. */
class ConcurrentUseTest {
    @Test void secondThreadIsRefused() throws Exception {
        try (Sequential m = new Sequential(Shape.of(16, 64, 64), 1, List.of(new Conv2d(16, 16, 3).padding(1)));
             Tensor x = Tensor.zeros(8, 16, 64, 64)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> refused = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(2);
            Runnable hammer = () -> {
                started.countDown();
                while (!stop.get()) {
                    try {
                        m.forward(x);
                    } catch (IllegalStateException e) {
                        refused.compareAndSet(null, e);
                        stop.set(true);
                    }
                }
            };
            Thread a = new Thread(hammer), b = new Thread(hammer);
            a.start();
            b.start();
            started.await();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!stop.get() && System.nanoTime() < deadline) Thread.sleep(5);
            stop.set(true);
            a.join();
            b.join();
            assertTrue(refused.get() != null, "two threads ran one model at once without an error");
            assertTrue(refused.get().getMessage().contains("another thread"), refused.get().getMessage());
        }
    }
}

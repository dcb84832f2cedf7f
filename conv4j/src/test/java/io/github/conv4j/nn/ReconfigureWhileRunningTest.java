package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.RestoreParallelism;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Parallelism#configure} while a model runs layer calls on another thread: once, this
 * could strand the caller (a retired worker exited before its shard). Every call must finish,
 * with the results of an undisturbed run.
 */
@ExtendWith(RestoreParallelism.class)
class ReconfigureWhileRunningTest {
    @Test void reconfiguringDuringLayerCallsNeverHangsNorChangesResults() throws Exception {
        float[] x = new float[8 * 4 * 12 * 12];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1);
        try (Sequential m = new Sequential(Shape.of(4, 12, 12), 5, List.of(new Conv2d(4, 8, 3).padding(1), new ReLU(), new MaxPool2d(2)));
             Tensor in = Tensor.of(x, 8, 4, 12, 12)) {
            Parallelism.configure(2, Parallelism.Mode.BATCH);
            float[] expected = m.forward(in).toArray();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            int[] calls = new int[1];
            Thread runner = new Thread(() -> {
                try {
                    for (int i = 0; i < 400; i++) {
                        float[] y = m.forward(in).toArray();
                        // BLAS mode takes the portable kernels: equal up to rounding, not bit for bit
                        for (int j = 0; j < y.length; j++)
                            if (Math.abs(y[j] - expected[j]) > 1e-5f * Math.max(1, Math.abs(expected[j])))
                                throw new AssertionError("call " + i + ": y[" + j + "] = " + y[j] + ", expected " + expected[j]);
                        calls[0]++;
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "model-caller");
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                runner.start();
                for (int i = 0; runner.isAlive(); i++)
                    Parallelism.configure(1 + i % 2, i % 3 == 0 ? Parallelism.Mode.BLAS : Parallelism.Mode.BATCH);
                runner.join();
            }, "a layer call hung while Parallelism was reconfigured");
            assertNull(failure.get(), () -> "the caller failed: " + failure.get());
            assertEquals(400, calls[0]);
            Parallelism.configure(2, Parallelism.Mode.BATCH);
            assertArrayEquals(expected, m.forward(in).toArray());
        }
    }
}

package io.github.conv4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.conv4j.nn.Parallelism;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link RestoreParallelism}: what the first test configures is undone before the second runs. */
@ExtendWith(RestoreParallelism.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestoreParallelismTest {
    private static final int THREADS = Parallelism.threads();
    private static final Parallelism.Mode MODE = Parallelism.mode();
    private static final Parallelism.Mode OTHER_MODE = Parallelism.Mode.values()[(MODE.ordinal() + 1) % Parallelism.Mode.values().length];

    @Test @Order(1) void aTestReconfiguresParallelism() {
        Parallelism.configure(THREADS + 1, OTHER_MODE);
        assertEquals(THREADS + 1, Parallelism.threads());
        assertNotEquals(MODE, Parallelism.mode(), "a second mode to switch to");
    }

    @Test @Order(2) void theNextTestSeesTheSettingsOfBefore() {
        assertEquals(THREADS, Parallelism.threads());
        assertEquals(MODE, Parallelism.mode());
    }
}

package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A slot asks its lender (BufferPlan.lend) only when it first fills, grows past its batch, or finds
 * the memory lent freed: never in a steady step, so what lend allocates is off the per-step path.
 */
class SlotLendingTest {
    @Test void aSlotAsksItsLenderOnlyWhenItFillsGrowsOrLosesItsMemory() {
        int[] asked = {0};
        Tensor[] idle = {Tensor.zeros(1000)};
        BatchBuffer.Lender lender = (slot, floats) -> {
            asked[0]++;
            return floats <= idle[0].size() && idle[0].isOpen() ? idle[0] : null;
        };
        BatchBuffer.Slot s = new BatchBuffer.Slot(lender);
        try {
            s.fit(Shape.of(10));
            for (int step = 0; step < 5; step++) s.reserve(8);
            assertEquals(1, asked[0], "filled once, then the same memory every step");
            s.reserve(4);
            assertEquals(1, asked[0], "a smaller batch fits what it has");
            for (int step = 0; step < 5; step++) s.reserve(16);
            assertEquals(2, asked[0], "grown once");
            idle[0].close();   // the lent memory freed (its buffer grew): asked again, then its own memory
            for (int step = 0; step < 5; step++) s.reserve(16);
            assertEquals(3, asked[0]);
            assertSame(s.reserve(16), s.reserve(16));
        } finally {
            s.close();
            if (idle[0].isOpen()) idle[0].close();
        }
    }
}

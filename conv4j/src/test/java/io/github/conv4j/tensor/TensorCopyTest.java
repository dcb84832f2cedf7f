package io.github.conv4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Tensor's ranged array copies: where they land, the pointer put back for the next native call, and what they refuse. */
class TensorCopyTest {
    @Test void rangedCopiesLandAtTheirOffsetsAndLeaveThePointerAtZero() {
        try (Tensor t = Tensor.zeros(2, 5); Tensor copy = Tensor.zeros(2, 5)) {
            long version = t.version();
            t.copyFrom(new float[] {9, 1, 2, 3, 9}, 1, 6, 3);
            assertTrue(t.version() != version, "a copy in counts as a write");
            assertEquals(0, t.pointer().position());
            assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 1, 2, 3, 0}, t.toArray());
            float[] out = {7, 7, 7, 7};
            t.copyTo(5, out, 1, 3);
            assertArrayEquals(new float[] {7, 0, 1, 2}, out);
            assertEquals(0, t.pointer().position());
            copy.copyFrom(t);   // a native copy from position 0: the whole tensor
            assertArrayEquals(t.toArray(), copy.toArray());
        }
    }

    @Test void copiesOffEitherSideAreRefused() {
        try (Tensor t = Tensor.zeros(4)) {
            float[] a = new float[3];
            assertEquals("copy of 3 at 2 into [4]", assertThrows(IndexOutOfBoundsException.class, () -> t.copyFrom(a, 0, 2, 3)).getMessage());
            assertEquals("copy of 3 at -1 from [4]", assertThrows(IndexOutOfBoundsException.class, () -> t.copyTo(-1, a, 0, 3)).getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> t.copyFrom(a, 1, 0, 3));   // the array's side
            assertThrows(IndexOutOfBoundsException.class, () -> t.copyTo(0, a, 2, 2));
            assertEquals(0, t.pointer().position());
        }
        Tensor closed = Tensor.zeros(4);
        closed.close();
        assertEquals("tensor [4] is closed", assertThrows(IllegalStateException.class, () -> closed.copyTo(0, new float[4], 0, 4)).getMessage());
    }
}

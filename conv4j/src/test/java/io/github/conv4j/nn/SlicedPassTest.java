package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.testing.RestoreParallelism;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How SlicedPass cuts a buffer: contiguous slices covering it exactly, on 64-byte boundaries, split only when large. */
@ExtendWith(RestoreParallelism.class)
class SlicedPassTest {
    @Test void slicesCoverTheBufferOnceAtMultiplesOfSixteen() {
        for (long length : new long[] {0, 1, 15, 16, 17, 65_535, 65_536, 100_300, 857_738, (1L << 40) + 3})
            for (int count = 1; count <= 5; count++) {
                assertEquals(0, SlicedPass.start(length, 0, count));
                assertEquals(length, SlicedPass.start(length, count, count));
                for (int s = 1; s < count; s++) {
                    long at = SlicedPass.start(length, s, count);
                    assertEquals(0, at % 16, "cut " + s + " of " + count + " over " + length);
                    assertTrue(at >= SlicedPass.start(length, s - 1, count) && at <= length, "cuts in order");
                    assertTrue(Math.abs(at - length * (double) s / count) < 16 + 1e-6 * length, "cut near its share");
                }
            }
    }

    @Test void aLargePassIsSplitOverTheWorkersAndASmallOneIsNot() {
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        List<long[]> seen = Collections.synchronizedList(new ArrayList<>());
        SlicedPass pass = new SlicedPass((b, e) -> seen.add(new long[] {b, e}));
        pass.run(100_003);
        seen.sort((a, b) -> Long.compare(a[0], b[0]));
        assertEquals(2, seen.size(), "two workers, two slices");
        assertEquals(0, seen.get(0)[0]);
        assertEquals(seen.get(0)[1], seen.get(1)[0], "contiguous");
        assertEquals(100_003, seen.get(1)[1]);
        seen.clear();
        pass.run(SlicedPass.MIN_SPLIT - 1);
        assertEquals(1, seen.size(), "below the threshold one slice");
        assertEquals(SlicedPass.MIN_SPLIT - 1, seen.get(0)[1]);
        Parallelism.configure(1, Parallelism.Mode.BATCH);
        seen.clear();
        pass.run(100_003);
        assertEquals(1, seen.size(), "one thread, one slice");
        assertThrows(IllegalArgumentException.class, () -> pass.run(-1));
    }
}

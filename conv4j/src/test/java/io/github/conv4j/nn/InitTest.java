package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The initialisation fills a tensor through a small array: the same values, in the same order of draws, as one array of it all. */
class InitTest {
    @Test void aTensorLargerThanTheChunkGetsTheDrawsInOrder() {
        int size = 3 * (1 << 16) + 123;   // three whole chunks and a part
        long fanIn = 75;
        SplittableRandom expected = new SplittableRandom(11);
        double bound = 1.0 / Math.sqrt(fanIn);
        try (Tensor t = Tensor.zeros(size)) {
            Init.uniformFanIn(t, fanIn, new SplittableRandom(11));
            float[] got = t.toArray();
            for (int i = 0; i < size; i++) {
                float want = (float) ((expected.nextDouble() * 2 - 1) * bound);
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got[i]), "value " + i);
                assertTrue(Math.abs(got[i]) <= bound);
            }
        }
    }
}

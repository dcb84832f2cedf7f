package io.github.conv4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Batching options: defaults, validation where a value is set, and what they do to the batches. */
class BatchConfigTest {
    /** Ten 1×2 images whose pixels are 0, 10, 20, ... and whose label is their index. */
    private static Dataset tenImages() {
        byte[] px = new byte[20];
        int[] labels = new int[10];
        for (int i = 0; i < 10; i++) { px[2 * i] = (byte) (10 * i); px[2 * i + 1] = (byte) 255; labels[i] = i; }
        return Dataset.of(px, 1, 1, 2, labels, Preprocessing.numberedClasses(10));
    }

    @Test void defaults() {
        BatchConfig c = new BatchConfig();
        assertEquals(64, c.batchSize());
        assertEquals(Normalization.NONE, c.normalization());
        assertFalse(c.isShuffled());
        assertEquals("batches of 64, Normalization[mean=0.0, std=1.0], in order", c.toString());
    }

    @Test void badValuesAreRefusedWhereTheyAreSet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BatchConfig().batchSize(0));
        assertEquals("batchSize must be positive, got 0", e.getMessage());
        assertEquals("batchSize must be positive, got -3",
                assertThrows(IllegalArgumentException.class, () -> new BatchConfig().batchSize(-3)).getMessage());
        assertEquals("normalization", assertThrows(NullPointerException.class, () -> new BatchConfig().normalization(null)).getMessage());
        assertEquals("data", assertThrows(NullPointerException.class, () -> new BatchConfig().create(null)).getMessage());
    }

    @Test void inOrderBatchesScaleAndNormalise() {
        try (Batches b = new BatchConfig().batchSize(4).normalization(new Normalization(0.5f, 0.5f)).create(tenImages())) {
            assertEquals(3, b.batchCount());
            assertTrue(b.next());
            assertEquals(4, b.size());
            float[] x = b.images().toArray();
            assertEquals((0 / 255f - 0.5f) / 0.5f, x[0], 1e-6);
            assertEquals(1f, x[1], 1e-6);
            assertEquals((30 / 255f - 0.5f) / 0.5f, x[6], 1e-6);
            assertEquals(3, b.labels().get(3));
            assertTrue(b.next());
            assertTrue(b.next());
            assertEquals(2, b.size(), "the last batch holds the rest");
            assertFalse(b.next());
        }
    }

    @Test void shuffleDependsOnSeedAndEpochOnly() {
        BatchConfig shuffled = new BatchConfig().batchSize(10).shuffle(7);
        assertTrue(shuffled.isShuffled());
        assertEquals(7, shuffled.seed());
        assertFalse(shuffled.inOrder().isShuffled());
        try (Batches a = shuffled.create(tenImages()); Batches b = shuffled.create(tenImages());
             Batches other = shuffled.shuffle(8).create(tenImages())) {
            a.next(); b.next(); other.next();
            int[] la = labels(a), lb = labels(b), lo = labels(other);
            assertArrayEquals(la, lb, "same seed, same order");
            assertNotEquals(java.util.Arrays.toString(la), java.util.Arrays.toString(lo), "another seed, another order");
            a.startEpoch(1); a.next();
            assertNotEquals(java.util.Arrays.toString(la), java.util.Arrays.toString(labels(a)), "another epoch, another order");
        }
    }

    private static int[] labels(Batches b) {
        int[] l = new int[b.size()];
        for (int i = 0; i < l.length; i++) l[i] = b.labels().get(i);
        return l;
    }

    @Test void imageIsScaledToUnitRange() {
        Dataset d = tenImages();
        assertArrayEquals(new float[] {30 / 255f, 1f}, d.image(3));
        assertThrows(IndexOutOfBoundsException.class, () -> d.image(10));
    }
}

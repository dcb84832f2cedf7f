package io.github.conv4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.tensor.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Datasets of any shape: validation, views that share the arrays, the seeded split, measured statistics and C-channel batches. */
class DatasetTest {
    static final int N = 2000;
    static byte[] colour;
    static int[] labels;
    static Dataset data;

    @BeforeAll static void sample() throws IOException {
        colour = ReaderFixtures.colourised(ReaderFixtures.greyImages(N), ReaderFixtures.PLANE);
        labels = ReaderFixtures.labels(N);
        data = Dataset.of(colour, 3, 28, 28, labels, CifarTest.NAMES);
    }

    private static float[] unitFloats(byte[] bytes) {
        float[] f = new float[bytes.length];
        for (int i = 0; i < f.length; i++) f[i] = (bytes[i] & 0xFF) / 255f;
        return f;
    }

    @Test void describesItsShapeAndRefusesInconsistentArrays() {
        assertEquals(Shape.of(3, 28, 28), data.shape());
        assertEquals("3×28×28", data.describeShape());
        assertEquals(N, data.size());
        assertEquals(10, data.classes());
        List<String> two = List.of("a", "b");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Dataset.of(new byte[11], 1, 2, 3, new int[2], two)).getMessage()
                .contains("2 labels need 12 values of 1×2×3 images, got 11"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Dataset.of(new byte[12], 1, 2, 3, new int[] {0, 2}, two)).getMessage()
                .contains("label 2 of image 1 is outside [0, 2)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[] {0, Float.NaN}, 2, 1, 1, new int[1], two))
                .getMessage().contains("value 1 (image 0) is NaN"));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(new byte[0], 0, 2, 3, new int[0], two));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(new byte[0], 1, 2, 3, new int[0], List.of()));
    }

    @Test void wrapsTheDecodedArraysAndViewsShareThem() {
        byte[] px = {10, 20, 30, 40, 50, 60};
        Dataset d = Dataset.of(new DecodedImages(1, 1, 2, px, null, new int[] {0, 1, 0}, List.of("x", "y")));
        Dataset view = d.subset(new int[] {2, 0}), head = d.first(2);
        px[4] = (byte) 255;   // the dataset and its views see a change of the array: nothing was copied
        assertArrayEquals(new float[] {1f, 60 / 255f}, view.image(0));
        assertArrayEquals(new float[] {10 / 255f, 20 / 255f}, view.image(1));
        assertEquals(2, head.size());
        assertEquals(1, head.label(1));
        assertSame(d, d.first(3));
        assertArrayEquals(new float[] {10 / 255f, 20 / 255f}, view.subset(new int[] {1}).image(0), "a view of a view maps through");
        assertThrows(IndexOutOfBoundsException.class, () -> d.subset(new int[] {3}));
        assertThrows(IndexOutOfBoundsException.class, () -> view.image(2));
    }

    @Test void theValidationSplitIsDisjointSeededStratifiedAndOfTheRightSize() {
        Dataset.Holdout a = data.split(0.1, 7), b = data.split(0.1, 7), c = data.split(0.1, 8);
        assertEquals(200, a.validation().size());
        assertEquals(1800, a.train().size());
        Set<String> seen = new HashSet<>(), validation = new HashSet<>();
        for (int i = 0; i < a.validation().size(); i++) validation.add(key(a.validation(), i));
        for (int i = 0; i < a.train().size(); i++) seen.add(key(a.train(), i));
        // Images are told apart by their values and label; a disjoint split shares none (the sample has no duplicate images).
        Set<String> all = new HashSet<>();
        for (int i = 0; i < N; i++) all.add(key(data, i));
        assertEquals(N, all.size(), "the sample's images are distinct");
        assertTrue(seen.stream().noneMatch(validation::contains), "no image in both parts");
        seen.addAll(validation);
        assertEquals(all, seen, "together they are the whole set");
        assertEquals(keys(a.validation()), keys(b.validation()), "the same seed gives the same parts");
        assertNotEquals(keys(a.validation()), keys(c.validation()), "another seed gives other parts");
        int[] perClass = new int[10], held = new int[10];
        for (int i = 0; i < N; i++) perClass[data.label(i)]++;
        for (int i = 0; i < a.validation().size(); i++) held[a.validation().label(i)]++;
        for (int k = 0; k < 10; k++) assertTrue(Math.abs(held[k] - 0.1 * perClass[k]) < 1, "class " + k + ": " + held[k] + " of " + perClass[k]);
        assertEquals(1, Dataset.of(new byte[3], 1, 1, 1, new int[3], List.of("a")).split(0.2, 1).validation().size(), "round(0.6) = 1");
        assertThrows(IllegalArgumentException.class, () -> data.split(0, 1));
        assertThrows(IllegalArgumentException.class, () -> data.split(1, 1));
        assertThrows(IllegalArgumentException.class, () -> data.first(3).split(0.1, 1), "0.1 of 3 images holds none out");
    }

    private static String key(Dataset d, int i) { return d.label(i) + ":" + java.util.Arrays.hashCode(d.image(i)); }

    private static List<String> keys(Dataset d) {
        List<String> k = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) k.add(key(d, i));
        return k;
    }

    @Test void perChannelStatisticsEqualADirectComputation() {
        float[] values = unitFloats(colour);
        for (Dataset d : List.of(data, Dataset.of(values, 3, 28, 28, labels, CifarTest.NAMES))) {
            Normalization n = Normalization.of(d);
            assertEquals(3, n.channels());
            for (int c = 0; c < 3; c++) {
                double sum = 0, squares = 0, count = 0;
                for (int i = 0; i < N; i++)
                    for (int p = 0; p < ReaderFixtures.PLANE; p++) {
                        double v = values[(i * 3 + c) * ReaderFixtures.PLANE + p];
                        sum += v;
                        count++;
                    }
                double mean = sum / count;
                for (int i = 0; i < N; i++)
                    for (int p = 0; p < ReaderFixtures.PLANE; p++) {
                        double v = values[(i * 3 + c) * ReaderFixtures.PLANE + p] - mean;
                        squares += v * v;
                    }
                assertEquals(mean, n.mean(c), 1e-6, "mean of channel " + c);
                assertEquals(Math.sqrt(squares / count), n.std(c), 1e-6, "std of channel " + c);
            }
        }
        assertEquals(0.5f * Normalization.of(data).mean(0), Normalization.of(data).mean(2), 2e-3, "blue is half of red");
        Normalization constant = Normalization.of(Dataset.of(new byte[4], 1, 2, 2, new int[1], List.of("a")));
        assertEquals(Normalization.MIN_MEASURED_STD, constant.std(0), "a constant channel is not divided by 0");
    }

    @Test void batchesAreNxCxHxWStandardisedPerChannelAndStepsAllocateNothing() {
        Normalization norm = Normalization.perChannel(new float[] {0.1f, 0.5f, 0.9f}, new float[] {0.2f, 0.4f, 0.8f});
        Dataset floats = Dataset.of(unitFloats(colour), 3, 28, 28, labels, CifarTest.NAMES);
        int per = 3 * ReaderFixtures.PLANE;
        for (Dataset d : List.of(data, floats, data.subset(new int[] {5, 3, 1}))) {
            try (Batches b = new BatchConfig().batchSize(64).normalization(norm).create(d)) {
                assertTrue(b.next());
                int n = Math.min(64, d.size());
                assertEquals(Shape.of(n, 3, 28, 28), b.images().shape());
                float[] got = new float[n * per];
                b.images().copyTo(got);
                for (int i = 0; i < n; i++) {
                    float[] image = d.image(i);
                    for (int j = 0; j < per; j++) {
                        int c = j / ReaderFixtures.PLANE;
                        assertEquals((image[j] - norm.mean(c)) / norm.std(c), got[i * per + j], 1e-6f, "image " + i + " value " + j);
                    }
                    assertEquals(d.label(i), b.labels().get(i));
                }
            }
            try (Batches b = new BatchConfig().batchSize(64).normalization(norm).shuffle(3).create(d)) {
                b.next();
                long before = ReaderFixtures.allocatedBytes();
                while (b.next()) { /* the rest of the epoch */ }
                b.startEpoch(1);
                while (b.next()) { /* and a whole other one */ }
                long allocated = ReaderFixtures.allocatedBytes() - before;
                assertTrue(allocated < 1024, "steps allocate nothing: " + allocated + " bytes");
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BatchConfig().normalization(Normalization.perChannel(new float[2], new float[] {1, 1})).create(data));
        assertEquals("normalisation for 2 channels, the data has 3", e.getMessage());
    }
}

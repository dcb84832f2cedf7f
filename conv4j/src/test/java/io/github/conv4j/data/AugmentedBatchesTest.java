package io.github.conv4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.augment.Augmentation;
import io.github.conv4j.data.augment.HorizontalFlip;
import io.github.conv4j.data.augment.RandomCrop;
import io.github.conv4j.data.augment.RandomErasing;
import io.github.conv4j.data.augment.RandomResizedCrop;
import io.github.conv4j.data.augment.SampleRandom;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Augmented batches, with and without loader threads: reproducible, evaluation untouched, buffers and threads released, failures surfaced. */
class AugmentedBatchesTest {
    static final int N = 230, BATCH = 50;   // a short last batch of 30
    static Dataset cifarLike;
    static final Normalization NORM = Normalization.perChannel(new float[] {0.3f, 0.6f, 0.2f}, new float[] {0.3f, 0.3f, 0.15f});

    @BeforeAll static void fixture() throws IOException {
        cifarLike = Dataset.of(ReaderFixtures.cifarLike(N), 3, 32, 32, ReaderFixtures.labels(N), Dataset.FASHION_MNIST_CLASSES);
    }

    private static BatchConfig augmented() {
        return new BatchConfig().batchSize(BATCH).normalization(NORM).shuffle(7)
                .augment(new RandomCrop(4, RandomCrop.Fill.REFLECT), new HorizontalFlip(), new RandomErasing());
    }

    /** Every value and label of epochs {@code epochs}, batch after batch. */
    private static List<float[]> epochs(BatchConfig config, int... epochs) {
        List<float[]> out = new ArrayList<>();
        try (Batches b = config.create(cifarLike)) {
            for (int e : epochs) {
                b.startEpoch(e);
                while (b.next()) {
                    float[] values = new float[(int) b.images().size()];
                    b.images().copyTo(values);
                    float[] labels = new float[b.size()];
                    for (int i = 0; i < b.size(); i++) labels[i] = b.labels().get(i);
                    out.add(values);
                    out.add(labels);
                }
            }
        }
        return out;
    }

    private static void assertSameBatches(List<float[]> expected, List<float[]> got, String what) {
        assertEquals(expected.size(), got.size(), what);
        for (int k = 0; k < expected.size(); k++) assertArrayEquals(expected.get(k), got.get(k), what + ": array " + k);
    }

    @Test void theSameSeedGivesTheSameBatchesWithAnyNumberOfLoaderThreads() {
        List<float[]> inline = epochs(augmented(), 0, 1, 3);
        assertEquals(2 * 3 * 5, inline.size(), "5 batches (images, labels) in each of 3 epochs");
        assertSameBatches(inline, epochs(augmented().loaderThreads(1), 0, 1, 3), "1 loader thread");
        assertSameBatches(inline, epochs(augmented().loaderThreads(3), 0, 1, 3), "3 loader threads");
        assertSameBatches(epochs(augmented(), 3), epochs(augmented().loaderThreads(2), 3), "epoch 3 alone, as a resumed run starts it");
    }

    @Test void epochsAndSeedsDrawOtherTransforms() {
        BatchConfig inOrder = augmented().inOrder();   // the same images in the same place: only the augmentation differs
        List<float[]> first = epochs(inOrder, 0), second = epochs(inOrder, 1);
        assertArrayEquals(first.get(1), second.get(1), "the same labels in order");
        assertFalse(Arrays.equals(first.get(0), second.get(0)), "epoch 1 transforms the images otherwise than epoch 0");
        assertFalse(Arrays.equals(epochs(augmented(), 0).get(0), epochs(augmented().shuffle(8), 0).get(0)), "another seed, other batches");
    }

    @Test void withoutAugmentationTheBatchesAreTheNormalisedImagesWhateverTheThreads() {
        BatchConfig plain = new BatchConfig().batchSize(BATCH).normalization(NORM);
        List<float[]> inline = epochs(plain, 0, 1), loaded = epochs(plain.loaderThreads(2), 0, 1);
        assertSameBatches(inline, loaded, "2 loader threads");
        float[] first = inline.get(0), image = cifarLike.image(0);
        for (int j = 0; j < image.length; j++) assertEquals(NORM.apply(j / 1024, image[j]), first[j], 1e-6f, "value " + j);
        assertSameBatches(inline.subList(0, 10), inline.subList(10, 20), "in order and unaugmented, every epoch is the same");
    }

    @Test void aResizedCropSetsTheBatchShape() {
        try (Batches b = new BatchConfig().batchSize(BATCH).augment(new RandomResizedCrop(24)).loaderThreads(1).create(cifarLike)) {
            assertEquals(io.github.conv4j.tensor.Shape.of(3, 24, 24), b.imageShape());
            assertTrue(b.next());
            assertEquals(io.github.conv4j.tensor.Shape.of(BATCH, 3, 24, 24), b.images().shape());
        }
    }

    @Test void closingStopsTheLoaderThreadsAndFreesEveryBuffer() {
        long live = Tensor.liveCount();
        Batches b = augmented().loaderThreads(3).create(cifarLike);
        assertTrue(Tensor.liveCount() > live, "the ring of buffers is off-heap");
        assertEquals(3, loaderThreads().size());
        assertTrue(b.next());
        b.close();
        assertEquals(live, Tensor.liveCount(), "every buffer freed");
        assertEquals(List.of(), loaderThreads(), "every loader thread joined");
        b.close();   // closing twice is harmless
        assertEquals(live, Tensor.liveCount());
    }

    @Test void aWorkersExceptionReachesTheCaller() {
        IllegalStateException boom = new IllegalStateException("broken decoder");
        Augmentation failing = new Augmentation() {
            @Override public void apply(float[] src, float[] dst, int channels, int height, int width, SampleRandom random) {
                if (random.nextInt(40) == 0) throw boom;
                System.arraycopy(src, 0, dst, 0, channels * height * width);
            }
            @Override public String spec() { return "Failing"; }
        };
        long live = Tensor.liveCount();
        try (Batches b = augmented().augment(failing).loaderThreads(2).create(cifarLike)) {
            BatchLoadingException e = assertThrows(BatchLoadingException.class, () -> { while (b.next()) { /* until the failure */ } });
            assertSame(boom, e.getCause());
            assertTrue(e.getMessage().contains("broken decoder"), e.getMessage());
            assertThrows(BatchLoadingException.class, b::next, "the failure stays");
        }
        assertEquals(live, Tensor.liveCount());
        assertEquals(List.of(), loaderThreads());
    }

    @Test void steadyStateStepsAllocateNothingInTheCallerOrTheLoaderThreads() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int threads : new int[] {0, 2}) {
            try (Batches b = augmented().loaderThreads(threads).create(cifarLike)) {
                // Two epochs reach the steady state: classes loaded, every path taken, and the loops
                // compiled (interpreted code allocates what C2's escape analysis later removes, so a
                // single warm-up epoch on a busy machine left ~1.2 kB in the count).
                while (b.next()) { /* epoch 0 */ }
                b.startEpoch(1);
                while (b.next()) { /* epoch 1 */ }
                b.startEpoch(2);
                b.next();
                List<Thread> workers = loaderThreads();
                long[] ids = workers.stream().mapToLong(Thread::getId).toArray();
                long workersBefore = Arrays.stream(mx.getThreadAllocatedBytes(ids)).sum();   // (the stream allocates: before the caller's count)
                long before = ReaderFixtures.allocatedBytes();
                while (b.next()) { /* the rest of the epoch */ }
                b.startEpoch(3);
                while (b.next()) { /* and a whole other one */ }
                long allocated = ReaderFixtures.allocatedBytes() - before;
                long byWorkers = Arrays.stream(mx.getThreadAllocatedBytes(ids)).sum() - workersBefore;
                assertTrue(allocated < 1024, threads + " loader threads: the caller allocates nothing per step: " + allocated + " bytes");
                assertTrue(byWorkers < 1024, threads + " loader threads: they allocate nothing per batch: " + byWorkers + " bytes");
            }
        }
    }

    @Test void badLoaderThreadCountsNameTheOption() {
        assertEquals("loaderThreads must be in [0, 16], got -1",
                assertThrows(IllegalArgumentException.class, () -> new BatchConfig().loaderThreads(-1)).getMessage());
        assertEquals("RandomCrop: reflect padding 40 needs images larger than 40 on each side, got 32×32",
                assertThrows(IllegalArgumentException.class,
                        () -> new BatchConfig().augment(new RandomCrop(40, RandomCrop.Fill.REFLECT)).create(cifarLike)).getMessage());
    }

    private static List<Thread> loaderThreads() {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().startsWith("conv4j-loader-") && t.isAlive()) found.add(t);
        return found;
    }
}

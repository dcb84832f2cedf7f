package io.github.conv4j.data;

import static io.github.conv4j.data.ReaderFixtures.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarTest {
    static final int TRAIN_PER_BATCH = 6, TEST = 10, N = 5 * TRAIN_PER_BATCH + TEST, SIDE = 32;
    static final List<String> NAMES = List.of("T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The first N Fashion-MNIST images padded to 32×32 and colourised, N×3×32×32, and their labels. */
    static byte[] images;
    static int[] labels;

    @TempDir Path dir;

    @BeforeAll static void sample() throws IOException {
        images = ReaderFixtures.cifarLike(N);
        labels = ReaderFixtures.labels(N);
    }

    /** Records of images [from, to): the label bytes {@code labelBytes(i)} then the 3,072 pixels. */
    private static byte[] records(int from, int to, java.util.function.IntFunction<byte[]> labelBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            out.writeBytes(labelBytes.apply(i));
            out.write(images, i * Cifar.IMAGE_BYTES, Cifar.IMAGE_BYTES);
        }
        return out.toByteArray();
    }

    private static void writeCifar10(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (int b = 0; b < 5; b++)
            Files.write(dir.resolve("data_batch_" + (b + 1) + ".bin"), records(b * TRAIN_PER_BATCH, (b + 1) * TRAIN_PER_BATCH, i -> new byte[] {(byte) labels[i]}));
        Files.write(dir.resolve("test_batch.bin"), records(N - TEST, N, i -> new byte[] {(byte) labels[i]}));
        // The official file ends with a blank line.
        Files.writeString(dir.resolve("batches.meta.txt"), String.join("\n", NAMES) + "\n\n");
    }

    /** CIFAR-100 layout with fine label = the Fashion label and coarse label = half of it. */
    private static void writeCifar100(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("train.bin"), records(0, N - TEST, i -> new byte[] {(byte) (labels[i] / 2), (byte) labels[i]}));
        Files.write(dir.resolve("test.bin"), records(N - TEST, N, i -> new byte[] {(byte) (labels[i] / 2), (byte) labels[i]}));
        Files.writeString(dir.resolve("fine_label_names.txt"), String.join("\n", NAMES) + "\n");
        Files.writeString(dir.resolve("coarse_label_names.txt"), "tops\nbottoms\nlayers\nshoes\nrest\n");
    }

    @Test void cifar10TrainIsTheFiveBatchesInOrder() throws IOException {
        writeCifar10(dir);
        DecodedImages train = Cifar.read(dir, Split.TRAIN);
        assertEquals(3, train.channels());
        assertEquals(32, train.height());
        assertEquals(32, train.width());
        assertArrayEquals(Arrays.copyOf(images, (N - TEST) * Cifar.IMAGE_BYTES), train.pixels());
        assertArrayEquals(Arrays.copyOf(labels, N - TEST), train.labels());
        assertEquals(NAMES, train.classNames());
    }

    @Test void cifar10TestFromTheFolderHoldingTheExtractedArchive() throws IOException {
        writeCifar10(dir.resolve("cifar-10-batches-bin"));
        DecodedImages test = Cifar.read(dir, Split.TEST);
        assertArrayEquals(Arrays.copyOfRange(images, (N - TEST) * Cifar.IMAGE_BYTES, images.length), test.pixels());
        assertArrayEquals(Arrays.copyOfRange(labels, N - TEST, N), test.labels());
    }

    @Test void cifar100FineByDefaultCoarseOnRequest() throws IOException {
        writeCifar100(dir.resolve("cifar-100-binary"));
        DecodedImages fine = Cifar.read(dir, Split.TRAIN), coarse = Cifar.read(dir, Split.TEST, Cifar.Labels.COARSE);
        assertArrayEquals(Arrays.copyOf(labels, N - TEST), fine.labels());
        assertEquals(NAMES, fine.classNames());
        assertArrayEquals(Arrays.stream(labels, N - TEST, N).map(l -> l / 2).toArray(), coarse.labels());
        assertEquals(5, coarse.classes());
        assertArrayEquals(Arrays.copyOfRange(images, (N - TEST) * Cifar.IMAGE_BYTES, images.length), coarse.pixels());
    }

    @Test void refusesATruncatedRecord() throws IOException {
        writeCifar10(dir);
        Path batch = dir.resolve("data_batch_3.bin");
        byte[] whole = Files.readAllBytes(batch);
        Files.write(batch, Arrays.copyOf(whole, whole.length - 1));
        refused(batch, "not a whole number of 3073-byte records", () -> Cifar.read(dir, Split.TRAIN));
    }

    @Test void refusesImagesOfAnotherSize() throws IOException {
        writeCifar10(dir);
        Path batch = dir.resolve("test_batch.bin");
        Files.write(batch, new byte[3 * (1 + 28 * 28 * 3)]); // three 28×28 colour records
        refused(batch, "images of another size", () -> Cifar.read(dir, Split.TEST));
    }

    @Test void refusesALabelOutsideTheClasses() throws IOException {
        writeCifar10(dir);
        Path batch = dir.resolve("test_batch.bin");
        byte[] data = Files.readAllBytes(batch);
        data[2 * 3073] = 10;
        Files.write(batch, data);
        refused(batch, "label 10 of record 2 is not below the 10 class names", () -> Cifar.read(dir, Split.TEST));
    }

    @Test void refusesACoarseLabelOutsideTheCoarseClasses() throws IOException {
        writeCifar100(dir);
        Files.writeString(dir.resolve("coarse_label_names.txt"), "tops\nbottoms\n");
        refused(dir.resolve("test.bin"), "is not below the 2 class names", () -> Cifar.read(dir, Split.TEST, Cifar.Labels.COARSE));
    }

    @Test void refusesAMissingBatch() throws IOException {
        writeCifar10(dir);
        Files.delete(dir.resolve("data_batch_5.bin"));
        refused(dir.resolve("data_batch_5.bin"), "no such file", () -> Cifar.read(dir, Split.TRAIN));
    }

    @Test void refusesAnEmptyBatch() throws IOException {
        writeCifar10(dir);
        Files.write(dir.resolve("test_batch.bin"), new byte[0]);
        refused(dir.resolve("test_batch.bin"), "empty", () -> Cifar.read(dir, Split.TEST));
    }

    @Test void refusesMissingEmptyOrGappedClassNames() throws IOException {
        writeCifar10(dir);
        Path meta = dir.resolve("batches.meta.txt");
        Files.writeString(meta, "airplane\n\nbird\n");
        refused(meta, "line 2 is blank", () -> Cifar.read(dir, Split.TEST));
        Files.writeString(meta, "\n\n");
        refused(meta, "no class names", () -> Cifar.read(dir, Split.TEST));
        Files.delete(meta);
        refused(meta, "no such file", () -> Cifar.read(dir, Split.TEST));
    }

    @Test void refusesAFolderWithoutCifarFiles() {
        refused(dir, "no CIFAR-10", () -> Cifar.read(dir, Split.TRAIN));
    }
}

package io.github.conv4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.conv4j.data.Cifar;
import io.github.conv4j.data.DecodedImages;
import io.github.conv4j.data.ImageFolder;
import io.github.conv4j.data.Npy;
import io.github.conv4j.data.Split;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzz targets for the data readers, whose files come from anywhere: CIFAR's binary batches (with
 * their class-names file), NPY image and label arrays, and an image folder's image files (every
 * format ImageIO recognises by content, whatever the extension). Any input must give images or
 * an IOException naming the file: no other exception, no crash, no hang, no allocation beyond
 * what the file justifies. CI replays the checked-in corpus
 * ({@code src/test/resources/.../DataReaderFuzzTestInputs}, seeds written by
 * {@link DataSeedCorpus}). To fuzz one target for its maxDuration:
 * {@code JAZZER_FUZZ=1 mvn test -pl conv4j -Dtest=DataReaderFuzzTest#cifar}.
 */
class DataReaderFuzzTest {
    /** The folder every target writes its files into, made once per JVM. */
    private static final Path DIR;
    /** The side the image-folder target resizes to: small, so that decoding dominates. */
    private static final int IMAGE_SIDE = 8;

    static {
        try {
            DIR = Files.createTempDirectory("conv4j-data-fuzz");
            DIR.toFile().deleteOnExit();
            Files.createDirectories(DIR.resolve("images/train/a"));
            // The partner files of the NPY targets: two labels, two 1×2×2 uint8 images.
            Files.write(DIR.resolve("two_labels.npy"), DataSeedCorpus.npy("|u1", "(2,)", new byte[] {0, 1}));
            Files.write(DIR.resolve("two_images.npy"), DataSeedCorpus.npy("|u1", "(2, 2, 2)", new byte[8]));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A CIFAR-10 test batch. The input is the class-names file (up to the first NUL byte, so
     * that the fuzzer controls both) then the records.
     */
    @FuzzTest(maxDuration = "60s")
    void cifar(byte[] data) throws IOException {
        int split = indexOf(data, (byte) 0);
        Path dir = DIR.resolve("cifar");
        Files.createDirectories(dir);
        Files.write(dir.resolve("batches.meta.txt"), copy(data, 0, split < 0 ? data.length : split));
        Files.write(dir.resolve("test_batch.bin"), split < 0 ? new byte[0] : copy(data, split + 1, data.length));
        expectImagesOrIOException(() -> Cifar.read(dir, Split.TEST));
    }

    /** An NPY image array, read with two labels. */
    @FuzzTest(maxDuration = "60s")
    void npyImages(byte[] data) throws IOException {
        Path images = DIR.resolve("images.npy");
        Files.write(images, data);
        expectImagesOrIOException(() -> Npy.read(images, DIR.resolve("two_labels.npy"), null));
    }

    /** An NPY label array, read with two images. */
    @FuzzTest(maxDuration = "60s")
    void npyLabels(byte[] data) throws IOException {
        Path labels = DIR.resolve("labels.npy");
        Files.write(labels, data);
        expectImagesOrIOException(() -> Npy.read(DIR.resolve("two_images.npy"), labels, null));
    }

    /** One image file in a one-class image folder, decoded and resized. */
    @FuzzTest(maxDuration = "60s")
    void imageFile(byte[] data) throws IOException {
        Files.write(DIR.resolve("images/train/a/image.png"), data);
        expectImagesOrIOException(() -> ImageFolder.read(DIR.resolve("images"), Split.TRAIN, IMAGE_SIDE));
    }

    @FunctionalInterface
    private interface Reader {
        DecodedImages read() throws IOException;
    }

    private static void expectImagesOrIOException(Reader reader) {
        DecodedImages images;
        try {
            images = reader.read();
        } catch (IOException expected) {
            if (expected.getMessage() == null || !expected.getMessage().contains(DIR.toString())) {
                throw new UncheckedIOException("an IOException that names no file", expected);
            }
            return;
        }
        long held = images.isBytes() ? images.pixels().length : images.values().length;
        if (held != (long) images.count() * images.valuesPerImage()) {
            throw new AssertionError(held + " values for " + images.count() + " images of " + images.valuesPerImage());
        }
    }

    private static int indexOf(byte[] data, byte value) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] copy(byte[] data, int from, int to) {
        return Arrays.copyOfRange(data, from, to);
    }
}

package io.github.conv4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Sequential;
import io.github.conv4j.optim.Optimizer;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.train.EpochResult;
import io.github.conv4j.train.Trainer;
import io.github.conv4j.train.TrainingConfig;
import io.github.conv4j.zoo.Zoo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference CNN, adapted by the zoo to each format's 3-channel images, trained 2 epochs by the
 * Trainer on 1,600 colourised sample images of each format and tested on 400 others.
 */
class EveryFormatTrainingTest {
    static final int N = 2000, TRAIN = 1600, EPOCHS = 2;
    /** Measured after 2 epochs (seed 42): CIFAR 0.7525, image folder 0.7350, NPY 0.7350; chance is 0.10. */
    static final double BAR = 0.65;
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    static byte[] colour;   // N×3×28×28
    static int[] labels;

    @TempDir Path dir;

    @BeforeAll static void sample() throws IOException {
        colour = ReaderFixtures.colourised(ReaderFixtures.greyImages(N), ReaderFixtures.PLANE);
        labels = ReaderFixtures.labels(N);
    }

    /** Trains and returns the last epoch, after checking what the data were read as. */
    private static EpochResult train(String format, Dataset train, Dataset test, String shape) throws IOException {
        assertEquals(shape, train.describeShape());
        assertEquals(TRAIN, train.size());
        assertEquals(N - TRAIN, test.size());
        Zoo.Architecture arch = Zoo.reference(train.shape(), train.classes());
        try (Sequential net = new Sequential(arch.input(), 42, arch.layers());
             Optimizer sgd = new SgdConfig().learningRate(0.01).momentum(0.9).create(net)) {
            TrainingConfig config = new TrainingConfig().epochs(EPOCHS).batchSize(32).seed(42).normalizationFromData().log(QUIET);
            List<EpochResult> history = new Trainer(net, sgd, config).fit(train, test);
            EpochResult last = history.get(EPOCHS - 1);
            System.out.printf("%s, %s: test accuracy %.4f after %d epochs%n", format, shape, last.testAccuracy(), EPOCHS);
            assertTrue(last.testAccuracy() > BAR, "test accuracy " + last.testAccuracy());
            Preprocessing stored = net.preprocessing().orElseThrow();
            assertEquals(Normalization.of(train), stored.normalization(), "the model stores the training set's per-channel statistics");
            assertEquals(train.classNames(), stored.classNames());
            return last;
        }
    }

    @Test void cifarBinaryFolder() throws IOException {
        int side = 32, plane = side * side;
        ByteArrayOutputStream[] batches = new ByteArrayOutputStream[6];
        for (int b = 0; b < 6; b++) batches[b] = new ByteArrayOutputStream();
        for (int i = 0; i < N; i++) {
            // Five training batches of 320, then the test batch; each record is a label byte and 3 planes of 32×32, the 28×28 image centred.
            ByteArrayOutputStream out = batches[i < TRAIN ? i / (TRAIN / 5) : 5];
            out.write(labels[i]);
            byte[] record = new byte[3 * plane];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 28; y++)
                    System.arraycopy(colour, (i * 3 + c) * ReaderFixtures.PLANE + y * 28, record, c * plane + (y + 2) * side + 2, 28);
            out.writeBytes(record);
        }
        Path cifar = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        for (int b = 0; b < 5; b++) Files.write(cifar.resolve("data_batch_" + (b + 1) + ".bin"), batches[b].toByteArray());
        Files.write(cifar.resolve("test_batch.bin"), batches[5].toByteArray());
        Files.writeString(cifar.resolve("batches.meta.txt"), String.join("\n", CifarTest.NAMES) + "\n");
        assertEquals(DataFormat.CIFAR, DataFormat.detect(dir));
        assertEquals("CIFAR-10 binary", DataFormat.CIFAR.describe(dir));
        train("CIFAR-10 binary", DataFormat.CIFAR.read(dir, Split.TRAIN, 0, 0), DataFormat.CIFAR.read(dir, Split.TEST, 0, 0), "3×32×32");
    }

    @Test void imageFolder() throws IOException {
        for (int i = 0; i < N; i++) {
            Path file = dir.resolve(i < TRAIN ? "train" : "test").resolve(CifarTest.NAMES.get(labels[i]).replace('/', '-')).resolve(i + ".png");
            Files.createDirectories(file.getParent());
            ImageIO.write(ImageFolderTest.colourImage(colour, i * 3 * ReaderFixtures.PLANE, 28, 28), "png", file.toFile());
        }
        assertEquals(DataFormat.IMAGE_FOLDER, DataFormat.detect(dir));
        Dataset train = DataFormat.IMAGE_FOLDER.read(dir, Split.TRAIN, 28, 0);
        train("image folder", train, DataFormat.IMAGE_FOLDER.read(dir, Split.TEST, 28, train.channels()), "3×28×28");
    }

    @Test void npyFloat32Folder() throws IOException {
        int per = 3 * ReaderFixtures.PLANE;
        byte[] trainImages = java.util.Arrays.copyOfRange(colour, 0, TRAIN * per), testImages = java.util.Arrays.copyOfRange(colour, TRAIN * per, N * per);
        Files.write(dir.resolve("train_images.npy"), NpyTest.npy(1, NpyTest.dict("<f4", "(" + TRAIN + ", 3, 28, 28)"),
                NpyTest.floats(trainImages, ByteOrder.LITTLE_ENDIAN)));
        Files.write(dir.resolve("test_images.npy"), NpyTest.npy(1, NpyTest.dict("<f4", "(" + (N - TRAIN) + ", 3, 28, 28)"),
                NpyTest.floats(testImages, ByteOrder.LITTLE_ENDIAN)));
        Files.write(dir.resolve("train_labels.npy"), NpyTest.npy(1, NpyTest.dict("<i8", "(" + TRAIN + ",)"),
                NpyTest.integers(java.util.Arrays.copyOf(labels, TRAIN), 8, ByteOrder.LITTLE_ENDIAN)));
        Files.write(dir.resolve("test_labels.npy"), NpyTest.npy(1, NpyTest.dict("<i8", "(" + (N - TRAIN) + ",)"),
                NpyTest.integers(java.util.Arrays.copyOfRange(labels, TRAIN, N), 8, ByteOrder.LITTLE_ENDIAN)));
        assertEquals(DataFormat.NPY, DataFormat.detect(dir));
        Dataset train = DataFormat.NPY.read(dir, Split.TRAIN, 0, 0);
        assertTrue(!train.isBytes(), "float32 samples stay float32");
        train("NPY float32", train, DataFormat.NPY.read(dir, Split.TEST, 0, 0), "3×28×28");
    }

    @Test void dataOfAnotherShapeThanTheModelIsNamedWithBoth() throws IOException {
        Dataset colourSet = Dataset.of(colour, 3, 28, 28, labels, CifarTest.NAMES).first(64);
        Zoo.Architecture grey = Zoo.reference();
        try (Sequential net = new Sequential(grey.input(), 42, grey.layers()); Optimizer sgd = new SgdConfig().create(net)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Trainer(net, sgd, new TrainingConfig().epochs(1).log(QUIET)).fit(colourSet, colourSet));
            assertEquals("the model takes [1, 28, 28] input, the training data is 3×28×28 (64 images)", e.getMessage());
        }
        IOException none = assertThrows(IOException.class, () -> DataFormat.detect(dir));
        assertTrue(none.getMessage().startsWith(dir + ": not a labelled image folder conv4j knows"), none.getMessage());
    }
}

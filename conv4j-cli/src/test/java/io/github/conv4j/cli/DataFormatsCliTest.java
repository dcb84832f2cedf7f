package io.github.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.Dataset;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --data} and {@code eval --data} on a CIFAR-10 binary folder made from the shipped sample, with a validation split. */
class DataFormatsCliTest {
    static final int TRAIN = 1600, TEST = 400, SIDE = 32;
    @TempDir Path tmp;



    /** Sample test images centred in 32×32 and colourised (R = p, G = 255 − p, B = p / 2), as CIFAR-10's batches: 5 of 320, then 400 to test. */
    static void writeCifar10(Path dir) throws Exception {
        Dataset sample = Dataset.loadFashionMnist(Path.of("data", "fashion-mnist-sample"), "t10k");
        Files.createDirectories(dir);
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < TRAIN + TEST; i++) {
            float[] grey = sample.image(i);
            byte[] record = new byte[1 + 3 * SIDE * SIDE];
            record[0] = (byte) sample.label(i);
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++) {
                    int v = Math.round(grey[y * 28 + x] * 255), at = (y + 2) * SIDE + x + 2;
                    record[1 + at] = (byte) v;
                    record[1 + SIDE * SIDE + at] = (byte) (255 - v);
                    record[1 + 2 * SIDE * SIDE + at] = (byte) (v / 2);
                }
            batch.writeBytes(record);
            boolean endOfTrainBatch = i < TRAIN && (i + 1) % (TRAIN / 5) == 0;
            if (endOfTrainBatch || i == TRAIN + TEST - 1) {
                Files.write(dir.resolve(endOfTrainBatch ? "data_batch_" + (i + 1) / (TRAIN / 5) + ".bin" : "test_batch.bin"), batch.toByteArray());
                batch.reset();
            }
        }
        Files.writeString(dir.resolve("batches.meta.txt"), String.join("\n", Dataset.FASHION_MNIST_CLASSES) + "\n");
    }

    @Test void trainsAndEvaluatesACifarFolderWithAValidationSplit() throws Exception {
        Path data = tmp.resolve("cifar"), model = tmp.resolve("c.c4j"), report = tmp.resolve("r.json");
        writeCifar10(data);
        CliRun t = CliRun.of("train", "--data", data.toString(), "--epochs", "2", "--batch", "32", "--val-split", "0.1", "-o", model.toString(),
                "--report", report.toString(), "--no-progress");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("data: CIFAR-10 binary, 1,600 training / 400 test images, 3×32×32, 10 classes"), t.out());
        assertTrue(t.out().contains("validation: 160 of the training images held out (stratified, seed 42), 1,440 left to train on"), t.out());
        assertTrue(t.out().contains("| val loss "), t.out());
        String json = Files.readString(report);
        assertTrue(json.contains("\"validation_accuracy\"") && json.contains("\"data_format\": \"CIFAR-10 binary\"") && json.contains("\"image_shape\": \"3×32×32\""), json);
        double accuracy = Double.parseDouble(json.replaceAll("(?s).*\"test_accuracy\": ([0-9.]+)\\s*,\\s*\"train_images_per_second\".*", "$1"));
        System.out.println(t.out().lines().filter(l -> l.startsWith("data:") || l.startsWith("validation:") || l.startsWith("epoch 2")).toList());
        assertTrue(accuracy > 0.65, "test accuracy " + accuracy + " of the adapted reference CNN after 2 epochs");

        CliRun e = CliRun.of("eval", model.toString(), "--data", data.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("data: CIFAR-10 binary, 400 test images, 3×32×32, 10 classes"), e.out());
        assertTrue(e.out().contains("accuracy"), e.out());

        CliRun grey = CliRun.of("eval", model.toString());   // the shipped 1×28×28 sample does not fit a 3×32×32 model
        assertEquals(1, grey.code());
        assertTrue(grey.err().contains("the model takes [3, 32, 32] input, the evaluation data is 1×28×28"), grey.err());

        CliRun nothing = CliRun.of("train", "--data", tmp.toString(), "--epochs", "1");
        assertTrue(nothing.err().contains(tmp + ": not a labelled image folder conv4j knows"), nothing.err());
    }

    @Test void trainsWithAugmentationAndLoaderThreadsAndReportsTheDataWait() throws Exception {
        Path data = tmp.resolve("cifar"), model = tmp.resolve("a.c4j"), report = tmp.resolve("a.json");
        writeCifar10(data);
        CliRun t = CliRun.of("train", "--data", data.toString(), "--epochs", "1", "--batch", "32", "--augment", "crop,flip,erase", "--loader-threads", "2",
                "--train-limit", "640", "--test-limit", "100", "-o", model.toString(), "--report", report.toString(), "--no-progress");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("| data wait "), t.out());
        String json = Files.readString(report);
        assertTrue(json.contains("\"augment\": \"crop,flip,erase\"") && json.contains("\"loader_threads\": 2"), json);
        double share = Double.parseDouble(json.replaceAll("(?s).*\"data_wait_share\": ([0-9.Ee-]+).*", "$1"));
        assertTrue(share >= 0 && share <= 1, "a share: " + share);

        CliRun unknown = CliRun.of("train", "--data", data.toString(), "--augment", "crop,rotate");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("--augment: unknown augmentation 'rotate' (crop, flip, erase, resized-crop, or none)"), unknown.err());
        CliRun threads = CliRun.of("train", "--data", data.toString(), "--loader-threads", "-1");
        assertEquals(2, threads.code());
        assertTrue(threads.err().contains("--loader-threads must be 0 or more, got -1"), threads.err());
    }
}

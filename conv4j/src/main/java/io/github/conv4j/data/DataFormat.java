package io.github.conv4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The layouts of labelled image folders conv4j reads, recognised by their files:
 * <ul>
 *   <li>{@link #IDX}: {@code train-images-idx3-ubyte[.gz]} and {@code t10k-…} (MNIST's names), read
 *       with Fashion-MNIST's class names;</li>
 *   <li>{@link #CIFAR}: CIFAR-10's {@code data_batch_*.bin} / {@code test_batch.bin} or CIFAR-100's
 *       {@code train.bin} / {@code test.bin}, in the folder or its {@code cifar-10-batches-bin/} /
 *       {@code cifar-100-binary/};</li>
 *   <li>{@link #NPY}: {@code train_images.npy} + {@code train_labels.npy} (and {@code test_});</li>
 *   <li>{@link #IMAGE_FOLDER}: {@code train/<class>/…} and {@code test/} or {@code val/}.</li>
 * </ul>
 * The checks run in that order, so a folder with IDX files and a {@code train/} subfolder is IDX.
 */
public enum DataFormat {
    /** MNIST-style IDX files. */
    IDX,
    /** The binary version of CIFAR-10 or CIFAR-100. */
    CIFAR,
    /** NumPy arrays. */
    NPY,
    /** One subfolder of images per class. */
    IMAGE_FOLDER;

    /** The format of {@code dir}, or an IOException naming the folder and the files looked for. */
    public static DataFormat detect(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("data folder " + dir + " does not exist");
        if (Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz")) || Files.isRegularFile(dir.resolve("train-images-idx3-ubyte"))
                || Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz")) || Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte")))
            return IDX;
        if (Cifar.edition(dir) != null) return CIFAR;
        if (Files.isRegularFile(dir.resolve("train_images.npy")) || Files.isRegularFile(dir.resolve("test_images.npy"))) return NPY;
        if (Files.isDirectory(dir.resolve("train"))) return IMAGE_FOLDER;
        throw new IOException(dir + ": not a labelled image folder conv4j knows (looked for IDX train-images-idx3-ubyte[.gz], "
                + "CIFAR data_batch_1.bin / train.bin (also in cifar-10-batches-bin/, cifar-100-binary/), NPY train_images.npy, "
                + "or an image folder train/<class>/)");
    }

    /** What {@code dir} holds in words: "IDX", "CIFAR-10 binary", "CIFAR-100 binary", "NPY" or "image folder". */
    public String describe(Path dir) {
        return switch (this) {
            case IDX -> "IDX";
            case CIFAR -> Cifar.edition(dir) + " binary";
            case NPY -> "NPY";
            case IMAGE_FOLDER -> "image folder";
        };
    }

    /** Whether images are resized on reading (only an image folder's are; the others have one stored size). */
    public boolean resizes() { return this == IMAGE_FOLDER; }

    /**
     * Reads one split of {@code dir}.
     *
     * @param imageSize for an image folder, the side the images are resized and cropped to (ignored otherwise)
     * @param channels  for an image folder, 1 or 3, or 0 for 3 unless every image is grey (ignored otherwise)
     */
    public Dataset read(Path dir, Split split, int imageSize, int channels) throws IOException {
        return switch (this) {
            case IDX -> Dataset.loadFashionMnist(dir, split == Split.TRAIN ? "train" : "t10k");
            case CIFAR -> Dataset.cifar(dir, split);
            case NPY -> Dataset.npy(dir, split);
            case IMAGE_FOLDER -> Dataset.of(ImageFolder.read(dir, split, imageSize, channels));
        };
    }
}

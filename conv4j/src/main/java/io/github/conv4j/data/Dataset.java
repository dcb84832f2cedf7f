package io.github.conv4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Labelled single-channel images held compactly on the Java heap as bytes (a 60,000-image set is
 * 47 MB); batches are normalised into off-heap tensors by {@link Batches}. Each carries the names
 * of its classes, which {@code Trainer.fit} stores with the model it trains.
 */
public final class Dataset {
    private final byte[] pixels;
    private final int[] labels;
    private final int count, rows, cols, classes;
    private final List<String> classNames;

    /** The ten classes of Fashion-MNIST, in label order. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** A dataset whose classes are named "0", "1", …. */
    public Dataset(byte[] pixels, int[] labels, int rows, int cols, int classes) {
        this(pixels, labels, rows, cols, Preprocessing.numberedClasses(classes));
    }

    /** A dataset of {@code classNames.size()} classes; label {@code i} is {@code classNames.get(i)}. */
    public Dataset(byte[] pixels, int[] labels, int rows, int cols, List<String> classNames) {
        int classes = classNames.size();
        if (rows <= 0 || cols <= 0 || classes <= 0) throw new IllegalArgumentException("dataset dimensions must be positive");
        if ((long) labels.length * rows * cols != pixels.length)
            throw new IllegalArgumentException(labels.length + " labels but " + pixels.length / ((long) rows * cols) + " images of " + rows + "×" + cols);
        for (int i = 0; i < labels.length; i++)
            if (labels[i] < 0 || labels[i] >= classes)
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside [0, " + classes + ")");
        this.pixels = pixels;
        this.labels = labels;
        this.count = labels.length;
        this.rows = rows;
        this.cols = cols;
        this.classes = classes;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * Reads {@code <split>-images-idx3-ubyte[.gz]} and {@code <split>-labels-idx1-ubyte[.gz]} from
     * {@code dir} (split "train" or "t10k", the MNIST file names).
     */
    public static Dataset load(Path dir, String split, int classes) throws IOException {
        Path images = find(dir, split + "-images-idx3-ubyte"), labelsFile = find(dir, split + "-labels-idx1-ubyte");
        Idx.Images img = Idx.readImages(images);
        int[] labels = Idx.readLabels(labelsFile);
        if (labels.length != img.count())
            throw new IOException(images + " holds " + img.count() + " images but " + labelsFile + " holds " + labels.length + " labels");
        for (int i = 0; i < labels.length; i++)
            if (labels[i] >= classes) throw new IOException(labelsFile + ": label " + labels[i] + " of item " + i + " is not below " + classes);
        return new Dataset(img.pixels(), labels, img.rows(), img.cols(), classes);
    }

    /** {@link #load} with the class names of Fashion-MNIST ({@link #FASHION_MNIST_CLASSES}). */
    public static Dataset loadFashionMnist(Path dir, String split) throws IOException {
        return load(dir, split, FASHION_MNIST_CLASSES.size()).withClassNames(FASHION_MNIST_CLASSES);
    }

    /** The same images and labels with other class names (as many as there are classes). */
    public Dataset withClassNames(List<String> names) {
        if (names.size() != classes) throw new IllegalArgumentException(names.size() + " class names for " + classes + " classes");
        return new Dataset(pixels, labels, rows, cols, names);
    }

    private static Path find(Path dir, String base) throws IOException {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IOException(dir + ": no " + base + "[.gz] (expected the MNIST/Fashion-MNIST IDX file names)");
    }

    /** The first {@code n} examples (a view over the same arrays when n is the whole set). */
    public Dataset first(int n) {
        if (n <= 0) throw new IllegalArgumentException("subset size must be positive, got " + n);
        if (n >= count) return this;
        byte[] p = java.util.Arrays.copyOf(pixels, n * rows * cols);
        return new Dataset(p, java.util.Arrays.copyOf(labels, n), rows, cols, classNames);
    }

    public int size() { return count; }
    public int rows() { return rows; }
    public int cols() { return cols; }
    public int classes() { return classes; }
    /** The name of each class, in label order ("0", "1", … unless the dataset was given names). */
    public List<String> classNames() { return classNames; }
    public int label(int i) { return labels[i]; }
    public int pixelsPerImage() { return rows * cols; }

    /** Image {@code i}'s pixels, row by row, scaled to [0, 1] (what {@link io.github.conv4j.infer.Classifier#predict(float[], int)} takes). */
    public float[] image(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("image " + i + " of a dataset of " + count);
        float[] px = new float[rows * cols];
        for (int j = 0; j < px.length; j++) px[j] = pixel(i, j) / 255f;
        return px;
    }

    /** Raw pixel {@code j} of image {@code i}, 0..255. */
    int pixel(int i, int j) { return pixels[i * rows * cols + j] & 0xFF; }

    byte[] pixels() { return pixels; }
}

package io.github.conv4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Labelled single-channel images held compactly on the Java heap as bytes (a 60,000-image set is
 * 47 MB); batches are normalised into off-heap tensors by {@link Batches}.
 */
public final class Dataset {
    private final byte[] pixels;
    private final int[] labels;
    private final int count, rows, cols, classes;

    public Dataset(byte[] pixels, int[] labels, int rows, int cols, int classes) {
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
        return new Dataset(p, java.util.Arrays.copyOf(labels, n), rows, cols, classes);
    }

    public int size() { return count; }
    public int rows() { return rows; }
    public int cols() { return cols; }
    public int classes() { return classes; }
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

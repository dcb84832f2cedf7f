package io.github.conv4j.data;

import io.github.conv4j.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Labelled images of any channel count and size, C×H×W each, held compactly on the Java heap:
 * unsigned bytes (a 60,000-image grey set is 47 MB) or float32 samples. Batches are normalised
 * into off-heap N×C×H×W tensors by {@link Batches}. Each dataset carries the names of its classes,
 * which {@code Trainer.fit} stores with the model it trains.
 * <pre>{@code
 * Dataset train = Dataset.cifar(dir, Split.TRAIN), test = Dataset.cifar(dir, Split.TEST);
 * Dataset.Holdout parts = train.split(0.1, 42);   // stratified, seeded
 * Dataset ours = Dataset.of(pixels, 3, 32, 32, labels, List.of("cat", "dog"));
 * }</pre>
 *
 * <p>The sample arrays are shared, never copied: a dataset wraps what a reader decoded (or what
 * the caller passed, which must then stay unchanged), and {@link #first}, {@link #subset} and
 * {@link #split} are views that list which images of those arrays they hold.
 */
public final class Dataset {
    /** The ten classes of Fashion-MNIST, in label order. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** A training set cut in two by {@link #split}: what is learnt from and what is held out to validate on. */
    public record Holdout(Dataset train, Dataset validation) {}

    private final byte[] pixels;   // N×C×H×W unsigned bytes, or null
    private final float[] values;  // N×C×H×W float32, or null
    private final int[] labels;    // one per image of the arrays
    private final int[] members;   // the images of the arrays this dataset holds; null: the first `count`
    private final int count, channels, height, width;
    private final List<String> classNames;

    private Dataset(byte[] pixels, float[] values, int[] labels, int[] members, int count, int channels, int height, int width,
                    List<String> classNames) {
        this.pixels = pixels;
        this.values = values;
        this.labels = labels;
        this.members = members;
        this.count = count;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classNames = classNames;
    }

    /** Checks a whole set of arrays before they are wrapped. */
    private static Dataset whole(byte[] pixels, float[] values, int channels, int height, int width, int[] labels, List<String> classNames) {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(classNames, "classNames");
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new IllegalArgumentException("image shape must be positive, got " + channels + "×" + height + "×" + width);
        if (classNames.isEmpty()) throw new IllegalArgumentException("a dataset needs at least one class name");
        long expected = (long) labels.length * channels * height * width, held = pixels != null ? pixels.length : values.length;
        if (held != expected)
            throw new IllegalArgumentException(labels.length + " labels need " + expected + " values of " + channels + "×" + height + "×" + width
                    + " images, got " + held);
        for (int i = 0; i < labels.length; i++)
            if (labels[i] < 0 || labels[i] >= classNames.size())
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside [0, " + classNames.size() + ")");
        if (values != null)   // a NaN would only surface as a diverged loss, far from its cause
            for (int i = 0; i < values.length; i++)
                if (!Float.isFinite(values[i]))
                    throw new IllegalArgumentException("value " + i + " (image " + i / (channels * height * width) + ") is " + values[i]);
        return new Dataset(pixels, values, labels, null, labels.length, channels, height, width, List.copyOf(classNames));
    }

    /**
     * Images of unsigned bytes (0..255), N×C×H×W in one array, label {@code i} naming class
     * {@code classNames.get(i)}; the arrays are wrapped, not copied.
     */
    public static Dataset of(byte[] pixels, int channels, int height, int width, int[] labels, List<String> classNames) {
        return whole(Objects.requireNonNull(pixels, "pixels"), null, channels, height, width, labels, classNames);
    }

    /**
     * Images of float32 samples already on the [0, 1] scale of 8-bit pixels divided by 255 (they
     * are standardised but not rescaled), N×C×H×W in one array; every value must be finite. The
     * arrays are wrapped, not copied.
     */
    public static Dataset of(float[] values, int channels, int height, int width, int[] labels, List<String> classNames) {
        return whole(null, Objects.requireNonNull(values, "values"), channels, height, width, labels, classNames);
    }

    /** What a reader decoded ({@link Cifar}, {@link Npy}, {@link ImageFolder}), wrapped without copying. */
    public static Dataset of(DecodedImages images) {
        return whole(images.pixels(), images.values(), images.channels(), images.height(), images.width(), images.labels(), images.classNames());
    }

    /** One split of CIFAR-10 or CIFAR-100 (fine labels), binary version; see {@link Cifar#read(Path, Split)}. */
    public static Dataset cifar(Path dir, Split split) throws IOException { return of(Cifar.read(dir, split)); }

    /** {@code train_images.npy} + {@code train_labels.npy} (or {@code test_}) in {@code dir}; see {@link Npy#read(Path, Split)}. */
    public static Dataset npy(Path dir, Split split) throws IOException { return of(Npy.read(dir, split)); }

    /**
     * {@code root/train/<class>/…} (or {@code test/}, {@code val/}) resized and centre-cropped to
     * {@code size}×{@code size}; see {@link ImageFolder#read(Path, Split, int)}.
     */
    public static Dataset imageFolder(Path root, Split split, int size) throws IOException { return of(ImageFolder.read(root, split, size)); }

    /**
     * Reads {@code <split>-images-idx3-ubyte[.gz]} and {@code <split>-labels-idx1-ubyte[.gz]} from
     * {@code dir} (split "train" or "t10k", the MNIST file names): grey images, classes "0", "1", ….
     */
    public static Dataset load(Path dir, String split, int classes) throws IOException {
        Path images = find(dir, split + "-images-idx3-ubyte"), labelsFile = find(dir, split + "-labels-idx1-ubyte");
        Idx.Images img = Idx.readImages(images);
        int[] labels = Idx.readLabels(labelsFile);
        if (labels.length != img.count())
            throw new IOException(images + " holds " + img.count() + " images but " + labelsFile + " holds " + labels.length + " labels");
        for (int i = 0; i < labels.length; i++)
            if (labels[i] >= classes) throw new IOException(labelsFile + ": label " + labels[i] + " of item " + i + " is not below " + classes);
        return of(img.pixels(), 1, img.rows(), img.cols(), labels, Preprocessing.numberedClasses(classes));
    }

    /** {@link #load} with the class names of Fashion-MNIST ({@link #FASHION_MNIST_CLASSES}). */
    public static Dataset loadFashionMnist(Path dir, String split) throws IOException {
        return load(dir, split, FASHION_MNIST_CLASSES.size()).withClassNames(FASHION_MNIST_CLASSES);
    }

    private static Path find(Path dir, String base) throws IOException {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IOException(dir + ": no " + base + "[.gz] (expected the MNIST/Fashion-MNIST IDX file names)");
    }

    /** The same images and labels with other class names (as many as there are classes). */
    public Dataset withClassNames(List<String> names) {
        if (names.size() != classNames.size()) throw new IllegalArgumentException(names.size() + " class names for " + classNames.size() + " classes");
        for (String n : names) if (n == null || n.isEmpty()) throw new IllegalArgumentException("class names must not be empty: " + names);
        return new Dataset(pixels, values, labels, members, count, channels, height, width, List.copyOf(names));
    }

    /** The first {@code n} images (this dataset itself when n covers it), sharing its arrays. */
    public Dataset first(int n) {
        if (n <= 0) throw new IllegalArgumentException("subset size must be positive, got " + n);
        if (n >= count) return this;
        return members == null ? new Dataset(pixels, values, labels, null, n, channels, height, width, classNames)
                : view(Arrays.copyOf(members, n));
    }

    /**
     * The images at {@code indices} (positions in this dataset, in that order; repeats allowed),
     * sharing its arrays.
     */
    public Dataset subset(int[] indices) {
        if (indices.length == 0) throw new IllegalArgumentException("a subset needs at least one index");
        int[] chosen = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= count)
                throw new IndexOutOfBoundsException("index " + indices[i] + " (entry " + i + ") of a dataset of " + count);
            chosen[i] = source(indices[i]);
        }
        return view(chosen);
    }

    private Dataset view(int[] chosen) {
        return new Dataset(pixels, values, labels, chosen, chosen.length, channels, height, width, classNames);
    }

    /**
     * Cuts this set into a training part and a validation part of {@code round(fraction × size)}
     * images, <em>stratified</em>: each class gives the same share (rounded so the total is exact,
     * the larger remainders first), so a rare class is not left out of either part by chance.
     * Which images of a class go where is drawn from {@code seed}; the same seed gives the same
     * parts. Both parts keep this set's order and are disjoint views of its arrays.
     *
     * @param fraction the share held out, in (0, 1); both parts must be non-empty
     */
    public Holdout split(double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
        int total = (int) Math.round(fraction * count);
        if (total < 1 || total >= count)
            throw new IllegalArgumentException("a validation fraction of " + fraction + " of " + count + " images leaves "
                    + (total < 1 ? "no validation" : "no training") + " images");
        int classes = classes();
        List<List<Integer>> byClass = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < count; i++) byClass.get(label(i)).add(i);
        // Whole shares first, then one more for the classes with the largest remainders until the total is reached.
        int[] quota = new int[classes];
        Integer[] byRemainder = new Integer[classes];
        int assigned = 0;
        for (int c = 0; c < classes; c++) {
            quota[c] = (int) Math.floor(fraction * byClass.get(c).size());
            assigned += quota[c];
            byRemainder[c] = c;
        }
        Arrays.sort(byRemainder, (a, b) -> Double.compare(fraction * byClass.get(b).size() - quota[b], fraction * byClass.get(a).size() - quota[a]));
        for (int k = 0; assigned < total; k++, assigned++) quota[byRemainder[k]]++;
        boolean[] held = new boolean[count];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int c = 0; c < classes; c++) {
            List<Integer> members = byClass.get(c);
            for (int k = 0; k < quota[c]; k++) {   // a partial Fisher-Yates shuffle draws the held-out ones
                int j = k + rng.nextInt(members.size() - k);
                Integer t = members.get(k); members.set(k, members.get(j)); members.set(j, t);
                held[members.get(k)] = true;
            }
        }
        int[] trainPart = new int[count - total], validationPart = new int[total];
        for (int i = 0, t = 0, v = 0; i < count; i++) {
            if (held[i]) validationPart[v++] = i;
            else trainPart[t++] = i;
        }
        return new Holdout(subset(trainPart), subset(validationPart));
    }

    /** The number of images. */
    public int size() { return count; }
    /** C, the channels of every image (1 grey, 3 colour, or any other count). */
    public int channels() { return channels; }
    /** H, the rows of every image. */
    public int height() { return height; }
    /** W, the columns of every image. */
    public int width() { return width; }
    /** C×H×W, the shape of one image (what a model for this data takes). */
    public Shape shape() { return Shape.of(channels, height, width); }
    /** C×H×W, the number of values in one image. */
    public int valuesPerImage() { return channels * height * width; }
    /** Whether the images are unsigned bytes (else float32 samples). */
    public boolean isBytes() { return pixels != null; }
    /** The number of classes ({@code classNames().size()}; some may have no image here). */
    public int classes() { return classNames.size(); }
    /** The name of each class, in label order ("0", "1", … unless the dataset was given names). */
    public List<String> classNames() { return classNames; }
    /** The class of image {@code i}. */
    public int label(int i) { return labels[source(i)]; }

    /** "3×32×32" — the image shape as the CLI and errors print it. */
    public String describeShape() { return channels + "×" + height + "×" + width; }

    /**
     * Image {@code i}'s values, C×H×W, on the [0, 1] scale (bytes divided by 255, floats as they
     * are): what {@link io.github.conv4j.infer.Classifier#predict(float[], int)} takes.
     */
    public float[] image(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("image " + i + " of a dataset of " + count);
        int per = valuesPerImage(), from = source(i) * per;
        float[] px = new float[per];
        if (pixels != null) for (int j = 0; j < per; j++) px[j] = (pixels[from + j] & 0xFF) / 255f;
        else System.arraycopy(values, from, px, 0, per);
        return px;
    }

    /** Where image {@code i} of this dataset is in the arrays (times {@link #valuesPerImage()} for its first value). */
    int source(int i) { return members == null ? i : members[i]; }

    /** The byte samples, or null for float32 images. */
    byte[] bytes() { return pixels; }

    /** The float32 samples, or null for byte images. */
    float[] floats() { return values; }

    /** Adds, per channel, the sum and the sum of squares of this dataset's [0, 1]-scaled values. */
    void channelMoments(double[] sum, double[] squares) {
        int plane = height * width, per = valuesPerImage();
        if (pixels != null) {   // a histogram per channel: exact, and one add per value
            long[] histogram = new long[channels * 256];
            for (int i = 0; i < count; i++) {
                int from = source(i) * per;
                for (int c = 0; c < channels; c++)
                    for (int j = from + c * plane, end = j + plane; j < end; j++) histogram[c * 256 + (pixels[j] & 0xFF)]++;
            }
            for (int c = 0; c < channels; c++)
                for (int v = 0; v < 256; v++) {
                    double unit = v / 255.0, n = histogram[c * 256 + v];
                    sum[c] += n * unit;
                    squares[c] += n * unit * unit;
                }
        } else {
            for (int i = 0; i < count; i++) {
                int from = source(i) * per;
                for (int c = 0; c < channels; c++)
                    for (int j = from + c * plane, end = j + plane; j < end; j++) {
                        double v = values[j];
                        sum[c] += v;
                        squares[c] += v * v;
                    }
            }
        }
    }
}

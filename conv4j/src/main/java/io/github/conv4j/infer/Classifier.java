package io.github.conv4j.infer;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A trained model ready for prediction: loads a model file and returns the top-k classes with
 * probabilities. Safe to call from many threads at once: each call borrows an inference replica
 * (sharing the weights, with its own buffers) from a pool.
 */
public final class Classifier implements AutoCloseable {
    /** Metadata keys a trained model carries (written by the CLI's train command). */
    public static final String META_MEAN = "normalization.mean", META_STD = "normalization.std", META_LABELS = "labels";

    private final Sequential model;
    private final Normalization norm;
    private final List<String> labels;
    private final Shape sample;
    private final int classes;
    private final ConcurrentLinkedQueue<Worker> pool = new ConcurrentLinkedQueue<>();
    private final List<Worker> all = new ArrayList<>();
    private volatile boolean closed;

    /** One thread's replica with its input and probability buffers. */
    private final class Worker {
        final Sequential replica;
        final Tensor input = Tensor.zeros(sample.prependBatch(1)), probs = Tensor.zeros(1, classes);
        final float[] staging = new float[(int) sample.size()], out = new float[classes];
        Worker(Sequential replica) { this.replica = replica; }
        void close() { replica.close(); input.close(); probs.close(); }
    }

    private Classifier(Sequential model, Normalization norm, List<String> labels) {
        this.model = model.train(false);
        this.norm = norm;
        this.sample = model.sampleInput();
        Shape out = model.sampleOutput();
        if (out.rank() != 1) throw new IllegalArgumentException("a classifier needs a model with a 1-D output per sample, got " + out);
        this.classes = out.dim(0);
        if (labels.size() != classes) throw new IllegalArgumentException(labels.size() + " labels for " + classes + " classes");
        this.labels = List.copyOf(labels);
    }

    /** Loads a model file written by {@code conv4j train}. */
    public static Classifier load(Path path) throws IOException {
        ModelFile.Loaded loaded = ModelFile.load(path);
        loaded.close();
        var meta = loaded.metadata();
        try {
            Normalization norm = new Normalization(Float.parseFloat(meta.getOrDefault(META_MEAN, "0")),
                    Float.parseFloat(meta.getOrDefault(META_STD, "1")));
            int classes = loaded.model().sampleOutput().dim(0);
            List<String> labels = meta.containsKey(META_LABELS) ? Arrays.asList(meta.get(META_LABELS).split(",")) : numbered(classes);
            return new Classifier(loaded.model(), norm, labels);
        } catch (RuntimeException e) {
            loaded.model().close();
            throw new IOException(path + ": bad classifier metadata: " + e.getMessage(), e);
        }
    }

    /** Wraps a model in memory (it stays the caller's to close). */
    public static Classifier of(Sequential model, Normalization norm, List<String> labels) { return new Classifier(model, norm, labels); }

    private static List<String> numbered(int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(Integer.toString(i));
        return l;
    }

    public Shape inputShape() { return sample; }
    public List<String> labels() { return labels; }

    /**
     * Top-{@code k} classes for one image of {@link #inputShape()} values scaled to [0, 1]
     * (normalised here with the model's statistics), most probable first.
     */
    public List<Prediction> predict(float[] image, int k) {
        if (image.length != sample.size())
            throw new IllegalArgumentException("expected an image of " + sample + " = " + sample.size() + " values, got " + image.length);
        if (k <= 0 || k > classes) throw new IllegalArgumentException("k must be in [1, " + classes + "], got " + k);
        Worker w = borrow();
        try {
            for (int i = 0; i < image.length; i++) {
                if (!Float.isFinite(image[i])) throw new IllegalArgumentException("image value " + i + " is " + image[i]);
                w.staging[i] = norm.apply(image[i]);
            }
            w.input.copyFrom(w.staging);
            Tensor logits = w.replica.forward(w.input);
            Conv4jNative.softmax(1, classes, logits.pointer(), w.probs.pointer());
            w.probs.copyTo(w.out);
            Integer[] order = new Integer[classes];
            for (int i = 0; i < classes; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Float.compare(w.out[b], w.out[a]));
            List<Prediction> top = new ArrayList<>(k);
            for (int i = 0; i < k; i++) top.add(new Prediction(order[i], labels.get(order[i]), w.out[order[i]]));
            return top;
        } finally {
            pool.add(w);
        }
    }

    /** Top-k for a grey image of exactly the model's height × width (colour is converted to grey). */
    public List<Prediction> predict(BufferedImage image, int k) {
        if (sample.rank() != 3 || sample.dim(0) != 1)
            throw new IllegalArgumentException("this model takes " + sample + " input, not a single grey image");
        int h = sample.dim(1), wd = sample.dim(2);
        if (image.getHeight() != h || image.getWidth() != wd)
            throw new IllegalArgumentException("expected a " + wd + "×" + h + " image, got " + image.getWidth() + "×" + image.getHeight());
        float[] px = new float[h * wd];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < wd; x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
                px[y * wd + x] = (0.299f * r + 0.587f * g + 0.114f * b) / 255f;
            }
        return predict(px, k);
    }

    private Worker borrow() {
        if (closed) throw new IllegalStateException("classifier is closed");
        Worker w = pool.poll();
        if (w != null) return w;
        synchronized (all) {
            if (closed) throw new IllegalStateException("classifier is closed");
            w = new Worker(model.replica());
            all.add(w);
            return w;
        }
    }

    /** Frees the model and every replica. Call when no prediction is running. */
    @Override public void close() {
        synchronized (all) {
            if (closed) return;
            closed = true;
            all.forEach(Worker::close);
            model.close();
        }
    }
}

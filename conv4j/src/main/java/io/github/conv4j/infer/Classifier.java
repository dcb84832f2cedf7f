package io.github.conv4j.infer;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.BatchNormFolding;
import io.github.conv4j.nn.Model;
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
 * A trained model ready for prediction: returns the top-k classes with probabilities, preparing
 * inputs with the model's {@link Preprocessing}. Safe to call from many threads at once: each call
 * borrows an inference replica (sharing the weights, with its own buffers) from a pool.
 *
 * <p>Ownership: a classifier from {@link #load} owns its model and frees it in {@link #close()};
 * one from {@link #of} only borrows the caller's model: it neither changes its mode nor closes it
 * (the model must stay open while the classifier is used), and its {@code close()} frees only its
 * own replicas and buffers.
 */
public final class Classifier implements AutoCloseable {

    private final Model model;
    private final boolean ownsModel;
    private final Preprocessing preprocessing;
    private final List<String> warnings;
    private final Shape sample;
    private final int classes, plane;
    private final ConcurrentLinkedQueue<Worker> pool = new ConcurrentLinkedQueue<>();
    private final List<Worker> all = new ArrayList<>();
    private volatile boolean closed;

    /** One thread's replica with its input and probability buffers. */
    private final class Worker {
        final Model replica;
        final Tensor input = Tensor.zeros(sample.prependBatch(1)), probs = Tensor.zeros(1, classes);
        final float[] staging = new float[(int) sample.size()], out = new float[classes];
        Worker(Model replica) { this.replica = replica; }
        void close() { replica.close(); input.close(); probs.close(); }
    }

    private Classifier(Model model, boolean ownsModel, Preprocessing preprocessing, List<String> warnings) {
        this.sample = model.sampleInput();
        Shape out = model.sampleOutput();
        if (out.rank() != 1) throw new IllegalArgumentException("a classifier needs a model with a 1-D output per sample, got " + out);
        this.classes = out.dim(0);
        int channels = sample.rank() == 3 ? sample.dim(0) : 1;
        if (preprocessing.channels() != channels)
            throw new IllegalArgumentException("preprocessing for " + preprocessing.channels() + " channels, the model takes " + sample);
        if (preprocessing.classNames().size() != classes)
            throw new IllegalArgumentException(preprocessing.classNames().size() + " labels for " + classes + " classes");
        this.plane = (int) (sample.size() / channels);
        this.model = model;
        this.ownsModel = ownsModel;
        this.preprocessing = preprocessing;
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Loads a model file for inference (no gradient buffer) with the preprocessing it records.
     * The classifier owns the model. A file that records none still loads, with identity
     * normalisation and numbered classes, and says so in {@link #warnings()}. Batch normalisations
     * that follow a convolution are {@linkplain BatchNormFolding folded} into it: the model is
     * only ever evaluated, so the same outputs come without the normalisations' passes.
     */
    public static Classifier load(Path path) throws IOException {
        try (ModelFile.Loaded loaded = ModelFile.loadForInference(path)) {
            Model read = loaded.model();
            Model m = BatchNormFolding.foldable(read) > 0 ? BatchNormFolding.fold(read) : read;   // the read one is closed with `loaded`
            Classifier c;
            try {
                c = new Classifier(m, true, m.preprocessing().orElseGet(() -> identity(m)), loaded.warnings());
            } catch (IllegalArgumentException e) {
                if (m != read) m.close();
                throw new IOException(path + ": not a classifier: " + e.getMessage(), e);
            }
            if (m == read) loaded.releaseModel();
            return c;
        }
    }

    /**
     * Wraps the caller's model, which stays the caller's: not closed by {@link #close()}, not
     * switched to evaluation mode (predictions run on evaluation-mode replicas). Uses the model's
     * {@link Model#preprocessing()}; a model without one is given identity normalisation and
     * numbered classes, reported in {@link #warnings()}.
     */
    public static Classifier of(Model model) {
        List<String> warnings = model.preprocessing().isPresent() ? List.of()
                : List.of("the model carries no preprocessing: inputs are not normalised and classes are numbered");
        return new Classifier(model, false, model.preprocessing().orElseGet(() -> identity(model)), warnings);
    }

    /** Wraps the caller's model (as {@link #of(Model)}) with the given normalisation (every channel) and class names. */
    public static Classifier of(Model model, Normalization norm, List<String> labels) {
        int channels = model.sampleInput().rank() == 3 ? model.sampleInput().dim(0) : 1;
        return new Classifier(model, false, Preprocessing.of(norm, channels, labels), List.of());
    }

    private static Preprocessing identity(Model m) {
        Shape in = m.sampleInput(), out = m.sampleOutput();
        return Preprocessing.identity(in.rank() == 3 ? in.dim(0) : 1, out.rank() == 1 ? out.dim(0) : 1);
    }

    /** The per-sample input shape the model takes (C×H×W). */
    public Shape inputShape() { return sample; }
    /** The class names, in output order. */
    public List<String> labels() { return preprocessing.classNames(); }
    /** How inputs are normalised before the model sees them. */
    public Preprocessing preprocessing() { return preprocessing; }
    /** What the model file (or model) lacked to describe itself; empty when it described itself fully. */
    public List<String> warnings() { return warnings; }

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
                w.staging[i] = preprocessing.apply(i / plane, image[i]);
            }
            w.input.copyFrom(w.staging);
            Tensor logits = w.replica.forward(w.input);
            Conv4jNative.softmax(1, classes, logits.pointer(), w.probs.pointer());
            w.probs.copyTo(w.out);
            Integer[] order = new Integer[classes];
            for (int i = 0; i < classes; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Float.compare(w.out[b], w.out[a]));
            List<Prediction> top = new ArrayList<>(k);
            for (int i = 0; i < k; i++) top.add(new Prediction(order[i], labels().get(order[i]), w.out[order[i]]));
            return top;
        } finally {
            pool.add(w);
        }
    }

    /**
     * Top-k for an image of exactly the model's height × width; grey images are read as their
     * stored values, colour ones as described in {@link ImagePixels}.
     */
    public List<Prediction> predict(BufferedImage image, int k) { return predict(ImagePixels.unitValues(image, sample), k); }

    /** Top-k for an image file; errors name the file. */
    public List<Prediction> predict(Path imageFile, int k) throws IOException { return predict(ImagePixels.read(imageFile, sample), k); }

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

    /**
     * Frees every replica and buffer of this classifier, and the model if the classifier owns it
     * (from {@link #load}). Call when no prediction is running. Idempotent.
     */
    @Override public void close() {
        synchronized (all) {
            if (closed) return;
            closed = true;
            all.forEach(Worker::close);
            if (ownsModel) model.close();
        }
    }
}

package io.github.conv4j.train;

import io.github.conv4j.data.BatchConfig;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.data.augment.Augmentation;
import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.optim.LrSchedule;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link Trainer} trains, set by name; each option returns a new configuration and leaves
 * this one as it was, so a base configuration can be shared and varied.
 * <pre>{@code
 * TrainingConfig config = new TrainingConfig().epochs(5).batchSize(64).normalization(Normalization.FASHION_MNIST)
 *         .checkpoint(Path.of("run.ckpt")).resume().onEpoch(r -> System.out.println(r.line()));
 * }</pre>
 * Defaults: 5 epochs, batches of 64, seed 42, pixels scaled to [0, 1] ({@link Normalization#NONE}),
 * no augmentation, one background loader thread, a constant learning rate, no gradient clipping, an
 * unweighted loss without label smoothing, no checkpoint, no progress bar, no extra metadata, no
 * listeners, log
 * lines to {@code System.err}. Every value is checked when it is set.
 */
public final class TrainingConfig {
    /** Metadata keys under this prefix are the trainer's own, written into every checkpoint. */
    public static final String RESERVED_METADATA_PREFIX = "checkpoint.";

    // Fields are not final so that an option can copy this configuration and change one field;
    // a configuration is never changed after an option (or the constructor) has returned it.
    private int epochs = 5, batchSize = 64;
    private long seed = 42;
    private Normalization normalization = Normalization.NONE;
    private LrSchedule schedule = LrSchedule.constant();
    private List<Augmentation> augmentations = List.of();
    private int loaderThreads = 1;
    private Path checkpoint;
    private boolean resume, progress;
    private Map<String, String> metadata = Map.of();
    private List<EpochListener> listeners = List.of();
    private PrintStream log = System.err;
    private double clipGradientNorm;   // 0: no clipping
    private double labelSmoothing;
    private float[] classWeights;   // null: unweighted

    /** The defaults listed above. */
    public TrainingConfig() {}

    private TrainingConfig copy() {
        TrainingConfig c = new TrainingConfig();
        c.epochs = epochs; c.batchSize = batchSize; c.seed = seed; c.normalization = normalization; c.schedule = schedule;
        c.augmentations = augmentations; c.loaderThreads = loaderThreads;
        c.checkpoint = checkpoint; c.resume = resume; c.progress = progress; c.metadata = metadata; c.listeners = listeners;
        c.log = log; c.clipGradientNorm = clipGradientNorm;
        c.labelSmoothing = labelSmoothing; c.classWeights = classWeights;
        return c;
    }

    /** Epochs to train in all, positive (default 5); when resuming, the checkpoint's epochs count towards them. */
    public TrainingConfig epochs(int n) {
        if (n <= 0) throw new IllegalArgumentException("epochs must be positive, got " + n);
        TrainingConfig c = copy(); c.epochs = n; return c;
    }

    /** Training images per optimiser step, positive (default 64). Evaluation uses batches of at least 256. */
    public TrainingConfig batchSize(int n) {
        if (n <= 0) throw new IllegalArgumentException("batchSize must be positive, got " + n);
        TrainingConfig c = copy(); c.batchSize = n; return c;
    }

    /** Seeds the order of the training batches, a new permutation each epoch (default 42); any value is valid. */
    public TrainingConfig seed(long seed) { TrainingConfig c = copy(); c.seed = seed; return c; }

    /**
     * How pixels are standardised after scaling to [0, 1], for training and evaluation (default
     * {@link Normalization#NONE}); a uniform one serves any channel count, a per-channel one must
     * match the data's channels.
     */
    public TrainingConfig normalization(Normalization n) {
        Objects.requireNonNull(n, "normalization");
        TrainingConfig c = copy(); c.normalization = n; return c;
    }

    /**
     * Standardise with the per-channel mean and std of the training set, measured when training
     * starts ({@link Normalization#of(io.github.conv4j.data.Dataset)}); the validation and test
     * sets are standardised with the same statistics, and the model stores them.
     */
    public TrainingConfig normalizationFromData() { TrainingConfig c = copy(); c.normalization = null; return c; }

    /**
     * Transforms each training image with {@code steps}, in this order, before normalisation
     * (default: none; no arguments: none), drawn from the seed, the epoch and the sample, so that a
     * resumed run sees the same images. Validation and test images are never augmented; the
     * steps must keep the dataset's image size (the model's input).
     */
    public TrainingConfig augment(Augmentation... steps) { return augment(List.of(steps)); }

    /** {@link #augment(Augmentation...)} from a list (copied). */
    public TrainingConfig augment(List<Augmentation> steps) {
        List<Augmentation> copied = new BatchConfig().augment(steps).augmentations();   // checks them as BatchConfig does
        TrainingConfig c = copy(); c.augmentations = copied; return c;
    }

    /**
     * Threads that prepare the coming training batches while the current step runs, in [0,
     * {@value BatchConfig#MAX_LOADER_THREADS}] (default 1; 0 assembles each batch in the training
     * thread). The batches are the same for any count.
     */
    public TrainingConfig loaderThreads(int n) {
        if (n < 0 || n > BatchConfig.MAX_LOADER_THREADS)
            throw new IllegalArgumentException("loaderThreads must be in [0, " + BatchConfig.MAX_LOADER_THREADS + "], got " + n);
        TrainingConfig c = copy(); c.loaderThreads = n; return c;
    }

    /** The learning rate over the run, from the optimiser's configured rate (default {@link LrSchedule#constant()}). */
    public TrainingConfig schedule(LrSchedule s) {
        Objects.requireNonNull(s, "schedule");
        TrainingConfig c = copy(); c.schedule = s; return c;
    }

    /** Write a checkpoint (parameters, optimiser state, history) to {@code path} after each epoch, atomically (default: none). */
    public TrainingConfig checkpoint(Path path) {
        Objects.requireNonNull(path, "checkpoint");
        TrainingConfig c = copy(); c.checkpoint = path; return c;
    }

    /** Continue from the {@link #checkpoint(Path) checkpoint} when the file exists (default: start over). Set the checkpoint first. */
    public TrainingConfig resume() { return resume(true); }

    /** Continue from the checkpoint when it exists, or start over (the default); {@code true} needs a checkpoint set first. */
    public TrainingConfig resume(boolean on) {
        if (on && checkpoint == null) throw new IllegalStateException("resume needs a checkpoint: call checkpoint(path) before resume()");
        TrainingConfig c = copy(); c.resume = on; return c;
    }

    /** Draw a progress bar on the log (default: off; turn it on for a terminal, not for a log file). */
    public TrainingConfig progress() { return progress(true); }

    /** A progress bar on the log, or none (the default). */
    public TrainingConfig progress(boolean on) { TrainingConfig c = copy(); c.progress = on; return c; }

    /** Adds one entry to the metadata written into every checkpoint (default: none); keys under {@value #RESERVED_METADATA_PREFIX} are the trainer's. */
    public TrainingConfig metadata(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.put(checkedKey(key), Objects.requireNonNull(value, "metadata value of " + key));
        TrainingConfig c = copy(); c.metadata = Collections.unmodifiableMap(m); return c;
    }

    /** Replaces the checkpoint metadata with {@code entries} (copied, order kept). */
    public TrainingConfig metadata(Map<String, String> entries) {
        Objects.requireNonNull(entries, "metadata");
        Map<String, String> m = new LinkedHashMap<>();
        entries.forEach((k, v) -> m.put(checkedKey(k), Objects.requireNonNull(v, "metadata value of " + k)));
        TrainingConfig c = copy(); c.metadata = Collections.unmodifiableMap(m); return c;
    }

    private static String checkedKey(String key) {
        Objects.requireNonNull(key, "metadata key");
        if (key.startsWith(RESERVED_METADATA_PREFIX))
            throw new IllegalArgumentException("metadata key '" + key + "' is reserved: the trainer writes the " + RESERVED_METADATA_PREFIX + "* keys");
        return key;
    }

    /** Adds a listener, called after each epoch in the order added (default: none). */
    public TrainingConfig onEpoch(EpochListener listener) {
        Objects.requireNonNull(listener, "listener");
        List<EpochListener> l = new ArrayList<>(listeners);
        l.add(listener);
        TrainingConfig c = copy(); c.listeners = List.copyOf(l); return c;
    }

    /** Where resume and divergence notes and the progress bar go (default {@code System.err}). */
    public TrainingConfig log(PrintStream out) {
        Objects.requireNonNull(out, "log");
        TrainingConfig c = copy(); c.log = out; return c;
    }

    /**
     * Clips the gradients by their global L2 norm before each optimiser step: scaled to
     * {@code max} (positive) when their norm exceeds it, the direction kept (default: no clipping).
     */
    public TrainingConfig clipGradientNorm(double max) {
        if (!(max > 0) || Double.isInfinite(max)) throw new IllegalArgumentException("clipGradientNorm must be positive and finite, got " + max);
        TrainingConfig c = copy(); c.clipGradientNorm = max; return c;
    }

    /** Label smoothing of the training loss, in [0, 1] (default 0: none); see {@link SoftmaxCrossEntropy}. */
    public TrainingConfig labelSmoothing(double epsilon) {
        if (!(epsilon >= 0 && epsilon <= 1)) throw new IllegalArgumentException("labelSmoothing must be in [0, 1], got " + epsilon);
        TrainingConfig c = copy(); c.labelSmoothing = epsilon; return c;
    }

    /**
     * One weight per class for the training loss (PyTorch's {@code weight=}: the mean over the
     * targets' weights), non-negative and finite; null for none (the default). Checked against
     * the class count when training starts.
     */
    public TrainingConfig classWeights(float... weights) {
        new SoftmaxCrossEntropy(0, weights).close();   // the loss's own checks, naming the bad weight
        TrainingConfig c = copy(); c.classWeights = weights == null ? null : weights.clone(); return c;
    }

    /** The epochs to train in all. */
    public int epochs() { return epochs; }
    /** The maximum global gradient norm, or 0 when gradients are not clipped. */
    public double gradientNormLimit() { return clipGradientNorm; }
    /** The training loss's label smoothing. */
    public double labelSmoothing() { return labelSmoothing; }
    /** A copy of the training loss's class weights, or null when unweighted. */
    public float[] classWeights() { return classWeights == null ? null : classWeights.clone(); }
    /** The training batch size. */
    public int batchSize() { return batchSize; }
    /** The shuffling seed. */
    public long seed() { return seed; }
    /** The pixel standardisation, or null when it is measured on the training set ({@link #normalizesFromData}). */
    public Normalization normalization() { return normalization; }
    /** Whether the normalisation is measured on the training set ({@link #normalizationFromData}) rather than given. */
    public boolean normalizesFromData() { return normalization == null; }
    /** The training augmentations, in order; unmodifiable, empty for none. */
    public List<Augmentation> augmentations() { return augmentations; }
    /** The background loader threads of the training batches (0: none). */
    public int loaderThreads() { return loaderThreads; }
    /** The learning-rate schedule. */
    public LrSchedule schedule() { return schedule; }
    /** The checkpoint file, or null for none. */
    public Path checkpoint() { return checkpoint; }
    /** Whether training continues from an existing checkpoint. */
    public boolean resumes() { return resume; }
    /** Whether a progress bar is drawn. */
    public boolean showsProgress() { return progress; }
    /** The extra checkpoint metadata, unmodifiable, in insertion order. */
    public Map<String, String> metadata() { return metadata; }
    /** The epoch listeners, unmodifiable, in the order added. */
    public List<EpochListener> listeners() { return listeners; }
    /** The log stream. */
    public PrintStream log() { return log; }
}

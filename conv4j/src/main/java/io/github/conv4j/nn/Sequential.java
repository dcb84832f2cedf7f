package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A chain of layers with all parameters in one contiguous off-heap buffer (and their gradients in
 * another of the same layout; layers hold views). One optimiser call updates the whole model, and
 * the buffers are ready to be averaged across workers. Shapes are checked once, at construction,
 * for the per-sample input shape; the batch size may vary per call.
 *
 * <p>Not thread-safe: a model trains on one thread at a time, and a second thread that calls in
 * while a call is running gets an {@link IllegalStateException}. For concurrent inference, give
 * each thread a {@link #replica()}, which shares the parameters.
 *
 * <p>Ownership: the model owns its parameter, gradient and state buffers, every layer's output
 * and gradient buffers and its workspace, and frees them all in {@link #close()}. What it hands
 * out of them — {@link #forward}'s result, {@link #backward}'s input gradient,
 * {@link #parameters()}, {@link #gradients()}, {@link #state()} and their per-layer views — are
 * {@linkplain Tensor#borrowed borrowed} tensors: usable while the model is open (a forward or
 * backward result until the next call), but their {@code close()} throws. Copy them
 * ({@link Tensor#toArray()}, {@link Tensor#copyOf}) to keep them.
 *
 * <p>A model may carry a {@link Preprocessing} (how its inputs were normalised, what its classes
 * are called): {@code Trainer.fit} sets it, {@code ModelFile} saves and loads it.
 */
public final class Sequential implements AutoCloseable {
    /** The seed used when none is given, so that two runs of the same program start equal. */
    public static final long DEFAULT_SEED = 42L;

    private final List<Layer> layers;
    private final Shape sampleInput;
    private final List<Shape> sampleOutputs = new ArrayList<>();
    private final Tensor params, grads, state;   // null when the model has none
    private final Tensor lentParams, lentGrads, lentState;   // borrowed views of them, what callers get
    private final boolean ownsParams;
    private final List<List<Tensor>> paramViews = new ArrayList<>(), gradViews = new ArrayList<>(), stateViews = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();
    private final Tensor[] outputs;   // the last forward's output of each layer, for diagnostics
    private final Workspace workspace;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final long seed;
    private long trainingSteps;
    private boolean training = true;
    private boolean closed;
    private Preprocessing preprocessing;   // null until set
    private Tensor lastRawOutput, lastLentOutput, lastRawInputGrad, lastLentInputGrad;   // the borrowed view of the last result, reused while it is the same buffer

    public Sequential(Shape sampleInput, Layer... layers) { this(sampleInput, DEFAULT_SEED, List.of(layers)); }

    /** A model for inputs of {@code sampleInput} (e.g. 1×28×28), initialised from {@code seed}. */
    public Sequential(Shape sampleInput, long seed, List<Layer> layers) {
        this(sampleInput, seed, layers, null, null, true, new Workspace());
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < layers.size(); i++) layers.get(i).initialize(paramViews.get(i), stateViews.get(i), rng);
    }

    /**
     * A model for inference only, in evaluation mode: no gradient buffer, and parameters and state
     * left at zero instead of randomly initialised, for the caller to fill (what
     * {@code ModelFile.loadForInference} does). {@link #backward} and {@link #gradients()} throw.
     */
    public static Sequential forInference(Shape sampleInput, long seed, List<Layer> layers) {
        Sequential m = new Sequential(sampleInput, seed, layers, null, null, false, new Workspace());
        m.training = false;
        return m;
    }

    private Sequential(Shape sampleInput, long seed, List<Layer> layers, Tensor sharedParams, Tensor sharedState, boolean trainable,
                       Workspace workspace) {
        if (layers.isEmpty()) throw new IllegalArgumentException("Sequential: a model needs at least one layer");
        this.layers = List.copyOf(layers);
        this.sampleInput = sampleInput;
        this.seed = seed;
        this.workspace = workspace;
        this.outputs = new Tensor[layers.size()];
        Shape s = sampleInput.prependBatch(1);
        long paramCount = 0, stateCount = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            try {
                s = l.outputShape(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + ": " + e.getMessage(), e);
            }
            sampleOutputs.add(s.dropBatch());
            for (Shape p : l.parameterShapes()) paramCount += p.size();
            for (Shape p : l.stateShapes()) stateCount += p.size();
        }
        ownsParams = sharedParams == null;
        params = ownsParams ? allocate(paramCount) : sharedParams;
        state = ownsParams ? allocate(stateCount) : sharedState;
        grads = trainable ? allocate(paramCount) : null;
        lentParams = lend(params, "the model's parameters");
        lentGrads = lend(grads, "the model's gradients");
        lentState = lend(state, "the model's state");
        long po = 0, so = 0;
        Shape in = sampleInput;
        try {
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                String lender = layerName(i);
                List<Tensor> pv = new ArrayList<>(), gv = new ArrayList<>(), sv = new ArrayList<>();
                for (Shape p : l.parameterShapes()) {
                    pv.add(params.view(po, p).borrowed(lender));
                    if (grads != null) gv.add(grads.view(po, p).borrowed(lender));
                    po += p.size();
                }
                for (Shape p : l.stateShapes()) {
                    sv.add(state.view(so, p).borrowed(lender));
                    so += p.size();
                }
                paramViews.add(Collections.unmodifiableList(pv));
                gradViews.add(Collections.unmodifiableList(gv));
                stateViews.add(Collections.unmodifiableList(sv));
                Op op = l.create(new LayerContext("layer " + i, in, pv, gv, sv, workspace, Seeds.mix(seed, i), this::trainingSteps));
                ops.add(op);
                in = sampleOutputs.get(i);
            }
            fuseReLUs();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Lets each ReLU's neighbours do its work where they can (a convolution rectifies its own
     * output, a max pooling drops the gradient of non-positive inputs): one pass over the
     * activations saved each way. {@code -Dconv4j.fuse=false} keeps every ReLU on its own.
     */
    private void fuseReLUs() {
        if (!Boolean.parseBoolean(System.getProperty("conv4j.fuse", "true"))) return;
        for (int i = 0; i < ops.size(); i++)
            if (ops.get(i) instanceof ReLU.Runtime relu) {
                if (i > 0 && ops.get(i - 1).fuseReluForward()) relu.forwardFused();
                if (i + 1 < ops.size() && ops.get(i + 1).fuseReluBackward()) relu.backwardFused();
            }
    }

    private static Tensor allocate(long n) { return n == 0 ? null : Tensor.zeros(Shape.of(Math.toIntExact(n))); }

    private static Tensor lend(Tensor t, String lender) { return t == null ? null : t.borrowed(lender); }

    private String layerName(int i) { return "layer " + i + " (" + layers.get(i).describe() + ") of the model"; }

    /**
     * An inference-only model sharing this model's parameters and state (no gradients, own
     * activation buffers and workspace): one per thread for concurrent prediction.
     */
    public Sequential replica() {
        requireOpen();
        Sequential r = new Sequential(sampleInput, seed, layers, params, state, false, new Workspace());
        r.training = false;
        r.preprocessing = preprocessing;
        return r;
    }

    public List<Layer> layers() { return layers; }
    public Shape sampleInput() { return sampleInput; }
    public Shape sampleOutput() { return sampleOutputs.get(sampleOutputs.size() - 1); }
    /** Per-sample output shape of layer i. */
    public Shape sampleOutput(int layer) { return sampleOutputs.get(layer); }

    /** The flat parameter buffer (null for a model without parameters), borrowed: the model frees it. */
    public Tensor parameters() { requireOpen(); return lentParams; }

    /**
     * The flat gradient buffer, same layout as {@link #parameters()}, borrowed (null for a model
     * without parameters).
     *
     * @throws IllegalStateException for an inference-only model or replica, which has none
     */
    public Tensor gradients() {
        requireOpen();
        if (grads == null && params != null)
            throw new IllegalStateException("this model is for inference only (a replica, or loaded with ModelFile.loadForInference): it has no gradients; "
                    + "load it with ModelFile.load to train it");
        return lentGrads;
    }

    /** True when the model has a gradient buffer, i.e. it can be trained (not a replica or inference-only model). */
    public boolean isTrainable() { return grads != null || params == null; }

    /** Non-trainable state (running statistics), saved with the model; may be null. Borrowed. */
    public Tensor state() { requireOpen(); return lentState; }
    /** Borrowed views of layer {@code layer}'s parameters (weight first, then bias). */
    public List<Tensor> parameters(int layer) { return paramViews.get(layer); }
    /** Borrowed views of layer {@code layer}'s parameter gradients; empty for an inference-only model. */
    public List<Tensor> gradients(int layer) { return gradViews.get(layer); }
    public long parameterCount() { return params == null ? 0 : params.size(); }
    public long workspaceBytes() { return workspace.sizeFloats() * Float.BYTES; }

    /** The seed this model was built from: it initialised the parameters and seeds every random layer. */
    public long seed() { return seed; }

    /**
     * Training-mode forward passes so far: what Dropout keys its masks on. A checkpoint saves it
     * and a resumed run restores it ({@link #setTrainingSteps}), so its masks continue the sequence.
     */
    public long trainingSteps() { return trainingSteps; }

    public void setTrainingSteps(long steps) {
        if (steps < 0) throw new IllegalArgumentException("training steps must be non-negative, got " + steps);
        trainingSteps = steps;
    }

    public boolean isTraining() { return training; }
    /** Training mode (dropout active, batch statistics) or evaluation mode. */
    public Sequential train(boolean on) { training = on; return this; }

    /** How this model's inputs are to be prepared and what its classes are called; empty until set. */
    public Optional<Preprocessing> preprocessing() { return Optional.ofNullable(preprocessing); }

    /**
     * Attaches {@code p} (saved with the model by {@code ModelFile.save}); null removes it. Its
     * channel count must match the input's (the first dimension of a C×H×W input), and with a
     * 1-D output its class names must be as many as the outputs.
     */
    public Sequential setPreprocessing(Preprocessing p) {
        if (p != null) {
            int channels = sampleInput.rank() == 3 ? sampleInput.dim(0) : 1;
            if (p.channels() != channels)
                throw new IllegalArgumentException("preprocessing for " + p.channels() + " channels, the model's input " + sampleInput + " has " + channels);
            Shape out = sampleOutput();
            if (out.rank() == 1 && p.classNames().size() != out.dim(0))
                throw new IllegalArgumentException(p.classNames().size() + " class names for a model of " + out.dim(0) + " outputs");
        }
        preprocessing = p;
        return this;
    }

    public void zeroGrad() { if (grads != null) grads.zero(); }

    /**
     * Runs every layer on batch {@code x}. The result is borrowed from the model's last layer:
     * valid until the next call, freed by the model, and its {@code close()} throws (copy it to keep
     * it). {@code x} stays the caller's.
     */
    public Tensor forward(Tensor x) {
        enter();
        try {
            Tensor t = x;
            for (int i = 0; i < ops.size(); i++) outputs[i] = t = ops.get(i).forward(t, training);
            if (training) trainingSteps++;
            if (t == x) return x;   // layers that passed the input through: it is still the caller's
            if (t != lastRawOutput) {
                lastRawOutput = t;
                lastLentOutput = t.borrowed(layerName(ops.size() - 1));
            }
            return lastLentOutput;
        } finally {
            busy.set(false);
        }
    }

    /**
     * Back-propagates {@code dy} (gradient of the loss with respect to the last forward's output),
     * accumulating into {@link #gradients()}. Returns the input gradient when asked, else null;
     * like {@link #forward}'s result it is borrowed from the model (of layer 0) until the next call.
     */
    public Tensor backward(Tensor dy, boolean needInputGradient) {
        if (grads == null && parameterCount() > 0)
            throw new IllegalStateException("this model is for inference only (a replica, or loaded with ModelFile.loadForInference): no gradients");
        enter();
        try {
            Tensor g = dy;
            for (int i = ops.size() - 1; i >= 0; i--) g = ops.get(i).backward(g, i > 0 || needInputGradient);
            if (g == null || g == dy) return g;
            if (g != lastRawInputGrad) {
                lastRawInputGrad = g;
                lastLentInputGrad = g.borrowed(layerName(0));
            }
            return lastLentInputGrad;
        } finally {
            busy.set(false);
        }
    }

    public Tensor backward(Tensor dy) { return backward(dy, false); }

    private void enter() {
        requireOpen();
        if (!busy.compareAndSet(false, true))
            throw new IllegalStateException("this model is already running on another thread: a model is used by one thread at a time (use replica() for concurrent inference)");
    }

    private void requireOpen() { if (closed) throw new IllegalStateException("model is closed"); }

    /**
     * Where non-finite values (NaN, ±Inf) first appear after the last forward/backward: the first
     * layer whose parameters, then whose output, then whose parameter gradient holds one; null if
     * none. (A ReLU turns NaN into 0, also where a convolution applies it to its own output.)
     */
    public String firstNonFinite() {
        for (int i = 0; i < paramViews.size(); i++)
            for (Tensor p : paramViews.get(i))
                if (!finite(p)) return "the parameters of layer " + i + " " + layers.get(i).describe();
        for (int i = 0; i < outputs.length; i++)
            if (outputs[i] != null && outputs[i].isOpen() && !finite(outputs[i]))
                return "the output of layer " + i + " " + layers.get(i).describe();
        for (int i = 0; i < gradViews.size(); i++)
            for (Tensor g : gradViews.get(i))
                if (!finite(g)) return "the parameter gradient of layer " + i + " " + layers.get(i).describe();
        return null;
    }

    /** True when the flat gradient buffer holds only finite values. */
    public boolean gradientsFinite() { return grads == null || finite(grads); }

    private static boolean finite(Tensor t) { return Conv4jNative.allFinite(t.size(), t.pointer()) == 1; }

    /** Per layer: output shape, parameters and FLOPs for one sample, and totals. */
    public ModelSummary summary() { return ModelSummary.of(sampleInput, layers); }

    /** Frees parameters (unless shared), gradients, activations and workspace. Idempotent. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        for (Op op : ops) op.close();
        workspace.close();
        if (grads != null) grads.close();
        if (ownsParams) {
            if (params != null) params.close();
            if (state != null) state.close();
        }
    }
}

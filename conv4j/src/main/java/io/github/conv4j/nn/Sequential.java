package io.github.conv4j.nn;

import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
public final class Sequential implements Model {
    /** The seed used when none is given, so that two runs of the same program start equal. */
    public static final long DEFAULT_SEED = 42L;

    private final List<Layer> layers;
    private final Shape sampleInput;
    private final List<Shape> sampleOutputs = new ArrayList<>();
    private final ParameterBuffers buffers;
    private final Tensor params, grads, state;   // the buffers' own, null when the model has none
    private final List<Op> ops = new ArrayList<>();
    private final Tensor[] outputs;   // the last forward's output of each layer, for diagnostics
    private final boolean[] unwritten;   // layers whose output the next one computes from their input (fusePools)
    private final boolean[] zeroFrozen;   // per layer: its op computes frozen gradients anyway, so they are zeroed after backward
    private int lowestTrainable;          // backward without an input gradient stops at this layer (its parameters are the lowest to train)
    private final Workspace workspace;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final long seed;
    private long trainingSteps;
    private boolean training = true;
    private boolean closed;
    private Preprocessing preprocessing;   // null until set
    private Tensor lastRawOutput, lastLentOutput, lastRawInputGrad, lastLentInputGrad;   // the borrowed view of the last result, reused while it is the same buffer

    /** A model of these layers for inputs of {@code sampleInput}, initialised from {@link #DEFAULT_SEED}. */
    public Sequential(Shape sampleInput, Layer... layers) { this(sampleInput, DEFAULT_SEED, List.of(layers)); }

    /** A model for inputs of {@code sampleInput} (e.g. 1×28×28), initialised from {@code seed}. */
    public Sequential(Shape sampleInput, long seed, List<Layer> layers) {
        this(sampleInput, seed, layers, null, null, true, new Workspace());
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < layers.size(); i++) layers.get(i).initialize(buffers.params(i), buffers.state(i), rng);
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
        this.unwritten = new boolean[layers.size()];
        this.zeroFrozen = new boolean[layers.size()];
        Shape s = sampleInput.prependBatch(1);
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            try {
                s = l.outputShape(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + ": " + e.getMessage(), e);
            }
            sampleOutputs.add(s.dropBatch());
        }
        List<String> lenders = new ArrayList<>(), prefixes = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            lenders.add(layerName(i));
            prefixes.add(Integer.toString(i));   // PyTorch's nn.Sequential names: 0.weight, 3.running_mean
        }
        buffers = new ParameterBuffers(this.layers, lenders, prefixes, sharedParams, sharedState, trainable);
        params = buffers.params;
        grads = buffers.grads;
        state = buffers.state;
        Shape in = sampleInput;
        try {
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                Op op = l.create(new LayerContext("layer " + i, in, buffers.params(i), buffers.grads(i), buffers.state(i), workspace,
                        Seeds.mix(seed, i), this::trainingSteps));
                ops.add(op);
                in = sampleOutputs.get(i);
            }
            fuseReLUs();
            applyFreezing();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Lets each ReLU's neighbours do its work where they can (a convolution or batch normalisation
     * rectifies its own output, a max pooling drops the gradient of non-positive inputs): one
     * pass over the activations saved each way.
     * {@code -Dconv4j.fuse=false} keeps every ReLU on its own.
     */
    private void fuseReLUs() {
        if (!Boolean.parseBoolean(System.getProperty("conv4j.fuse", "true"))) return;
        for (int i = 0; i < ops.size(); i++)
            if (ops.get(i) instanceof ReLU.Runtime relu) {
                if (i > 0 && ops.get(i - 1).fuseReluForward()) relu.forwardFused();
                if (i + 1 < ops.size() && ops.get(i + 1).fuseReluBackward()) relu.backwardFused();
            }
        fusePools();
    }

    /**
     * Lets each convolution max-pool its own output where a MaxPool2d follows it (directly or after
     * a ReLU the convolution applies itself): each chunk of the output is pooled while it is in
     * cache, so the whole output is never written and read back (PlannedOp#fusePoolForward). The
     * convolution's (and that ReLU's) output is then not computed: {@link #firstNonFinite} skips
     * it. {@code -Dconv4j.fuse.pool=false} (or {@code conv4j.fuse=false}) keeps them apart.
     */
    private void fusePools() {
        if (!Boolean.parseBoolean(System.getProperty("conv4j.fuse.pool", "true"))) return;
        for (int i = 0; i + 1 < ops.size(); i++) {
            int p = ops.get(i + 1) instanceof ReLU.Runtime relu && !relu.forwardWritesOutput() ? i + 2 : i + 1;
            if (p < ops.size() && ops.get(i) instanceof PlannedOp conv && ops.get(p) instanceof MaxPool2d.Runtime pool
                    && conv.fusePoolForward(pool))
                for (int j = i; j < p; j++) unwritten[j] = true;
        }
    }

    /** Whether layer {@code i}'s output is left to the pooling after it to compute (fusePools): for tests. */
    boolean poolFused(int i) { return unwritten[i]; }

    /** Tells each op with parameters which of them are frozen, and finds where backward may stop. */
    private void applyFreezing() {
        lowestTrainable = ops.size();
        for (int i = ops.size() - 1; i >= 0; i--) {
            if (layers.get(i).parameterShapes().isEmpty()) continue;
            zeroFrozen[i] = buffers.freezeIn(i, ops.get(i));
            if (buffers.trains(i)) lowestTrainable = i;
        }
    }

    @Override public List<String> freeze(String prefix) {
        requireOpen();
        return buffers.setFrozen(prefix, true, this::applyFreezing);
    }

    @Override public List<String> unfreeze(String prefix) {
        requireOpen();
        return buffers.setFrozen(prefix, false, this::applyFreezing);
    }

    @Override public boolean isFrozen(String name) { return buffers.isFrozen(name); }

    private String layerName(int i) { return "layer " + i + " (" + layers.get(i).describe() + ") of the model"; }

    /**
     * An inference-only model sharing this model's parameters and state (no gradients, own
     * activation buffers and workspace): one per thread for concurrent prediction.
     */
    @Override public Sequential replica() {
        requireOpen();
        Sequential r = new Sequential(sampleInput, seed, layers, params, state, false, new Workspace());
        r.training = false;
        r.preprocessing = preprocessing;
        return r;
    }

    /** The layers, in order. */
    public List<Layer> layers() { return layers; }
    @Override public Shape sampleInput() { return sampleInput; }
    @Override public Shape sampleOutput() { return sampleOutputs.get(sampleOutputs.size() - 1); }
    /** Per-sample output shape of layer i. */
    public Shape sampleOutput(int layer) { return sampleOutputs.get(layer); }

    /** The flat parameter buffer (null for a model without parameters), borrowed: the model frees it. */
    @Override public Tensor parameters() { requireOpen(); return buffers.lentParams; }

    /**
     * The flat gradient buffer, same layout as {@link #parameters()}, borrowed (null for a model
     * without parameters).
     *
     * @throws IllegalStateException for an inference-only model or replica, which has none
     */
    @Override public Tensor gradients() {
        requireOpen();
        if (grads == null && params != null)
            throw new IllegalStateException("this model is for inference only (a replica, or loaded with ModelFile.loadForInference): it has no gradients; "
                    + "load it with ModelFile.load to train it");
        return buffers.lentGrads;
    }

    /** True when the model has a gradient buffer, i.e. it can be trained (not a replica or inference-only model). */
    @Override public boolean isTrainable() { return grads != null || params == null; }

    /** Non-trainable state (running statistics), saved with the model; may be null. Borrowed. */
    @Override public Tensor state() { requireOpen(); return buffers.lentState; }

    /** Parameters by PyTorch's {@code nn.Sequential} names: layer index, then the parameter's ({@code 0.weight}, {@code 0.bias}). */
    @Override public Map<String, Tensor> namedParameters() { requireOpen(); return buffers.namedParameters(); }

    @Override public Map<String, Tensor> namedGradients() { requireOpen(); return buffers.namedGradients(); }

    /** State by PyTorch's {@code nn.Sequential} names, e.g. {@code 1.running_mean}. */
    @Override public Map<String, Tensor> namedState() { requireOpen(); return buffers.namedState(); }
    /** Borrowed views of layer {@code layer}'s parameters (weight first, then bias). */
    public List<Tensor> parameters(int layer) { return buffers.params(layer); }
    /** Borrowed views of layer {@code layer}'s parameter gradients; empty for an inference-only model. */
    public List<Tensor> gradients(int layer) { return buffers.grads(layer); }
    @Override public long parameterCount() { return params == null ? 0 : params.size(); }
    /** Bytes of scratch space reserved so far (0 before the first batch). */
    public long workspaceBytes() { return workspace.sizeFloats() * Float.BYTES; }

    /** The seed this model was built from: it initialised the parameters and seeds every random layer. */
    @Override public long seed() { return seed; }

    /**
     * Training-mode forward passes so far: what Dropout keys its masks on. A checkpoint saves it
     * and a resumed run restores it ({@link #setTrainingSteps}), so its masks continue the sequence.
     */
    @Override public long trainingSteps() { return trainingSteps; }

    @Override public void setTrainingSteps(long steps) {
        if (steps < 0) throw new IllegalArgumentException("training steps must be non-negative, got " + steps);
        trainingSteps = steps;
    }

    @Override public boolean isTraining() { return training; }
    /** Training mode (dropout active, batch statistics) or evaluation mode. */
    @Override public Sequential train(boolean on) { training = on; return this; }

    /** How this model's inputs are to be prepared and what its classes are called; empty until set. */
    @Override public Optional<Preprocessing> preprocessing() { return Optional.ofNullable(preprocessing); }

    /**
     * Attaches {@code p} (saved with the model by {@code ModelFile.save}); null removes it. Its
     * channel count must match the input's (the first dimension of a C×H×W input), and with a
     * 1-D output its class names must be as many as the outputs.
     */
    @Override public Sequential setPreprocessing(Preprocessing p) {
        PreprocessingCheck.require(p, sampleInput, sampleOutput());
        preprocessing = p;
        return this;
    }

    @Override public void zeroGrad() { requireOpen(); buffers.zeroGrads(); }   // over the workers; nothing without gradients

    /**
     * Runs every layer on batch {@code x}. The result is borrowed from the model's last layer:
     * valid until the next call, freed by the model, and its {@code close()} throws (copy it to keep
     * it). {@code x} stays the caller's.
     */
    @Override public Tensor forward(Tensor x) {
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
    @Override public Tensor backward(Tensor dy, boolean needInputGradient) {
        if (grads == null && parameterCount() > 0)
            throw new IllegalStateException("this model is for inference only (a replica, or loaded with ModelFile.loadForInference): no gradients");
        enter();
        try {
            // below the lowest layer with parameters to train, only the input gradient would be left to compute
            int stop = needInputGradient ? 0 : lowestTrainable;
            Tensor g = dy;
            for (int i = ops.size() - 1; i >= stop; i--) {
                g = ops.get(i).backward(g, i > stop || needInputGradient);
                if (zeroFrozen[i]) buffers.zeroFrozenGradients(i);
            }
            if (!needInputGradient) return null;
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

    @Override public Tensor backward(Tensor dy) { return backward(dy, false); }

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
    @Override public String firstNonFinite() {
        for (int i = 0; i < layers.size(); i++)
            for (Tensor p : buffers.params(i))
                if (!finite(p)) return "the parameters of layer " + i + " " + layers.get(i).describe();
        for (int i = 0; i < outputs.length; i++)
            if (!unwritten[i] && outputs[i] != null && outputs[i].isOpen() && !finite(outputs[i]))
                return "the output of layer " + i + " " + layers.get(i).describe();
        for (int i = 0; i < layers.size(); i++)
            for (Tensor g : buffers.grads(i))
                if (!finite(g)) return "the parameter gradient of layer " + i + " " + layers.get(i).describe();
        return null;
    }

    /** True when the flat gradient buffer holds only finite values. */
    @Override public boolean gradientsFinite() { return buffers.gradientsFinite(); }

    private static boolean finite(Tensor t) { return ParameterBuffers.finite(t); }

    /** Per layer: output shape, parameters and FLOPs for one sample, and totals. */
    @Override public ModelSummary summary() { return ModelSummary.of(sampleInput, layers); }

    /** Frees parameters (unless shared), gradients, activations and workspace. Idempotent. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        for (Op op : ops) op.close();
        workspace.close();
        if (buffers != null) buffers.close();
    }
}

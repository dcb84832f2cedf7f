package io.github.conv4j.nn;

import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

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
 * ({@link Tensor#toArray()}, {@link Tensor#copyOf}) to keep them. Parameters and state are named
 * as PyTorch's {@code nn.Sequential} names them: the layer's index, then the tensor's
 * ({@code 0.weight}, {@code 0.bias}, {@code 1.running_mean}).
 *
 * <p>A model may carry a {@link Preprocessing} (how its inputs were normalised, what its classes
 * are called): {@code Trainer.fit} sets it, {@code ModelFile} saves and loads it.
 */
public final class Sequential extends AbstractModel {
    /** The seed used when none is given, so that two runs of the same program start equal. */
    public static final long DEFAULT_SEED = 42L;

    private final List<Layer> layers;
    private final List<Shape> sampleOutputs = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();
    private final Tensor[] outputs;   // the last forward's output of each layer, for diagnostics
    private final boolean[] unwritten;   // layers whose output the next one computes from their input (fusePools)
    private final boolean[] zeroFrozen;   // per layer: its op computes frozen gradients anyway, so they are zeroed after backward
    private int lowestTrainable;          // backward without an input gradient stops at this layer (its parameters are the lowest to train)

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
        super(sampleInput, seed, workspace, "model", "; load it with ModelFile.load to train it");
        if (layers.isEmpty()) throw new IllegalArgumentException("Sequential: a model needs at least one layer");
        this.layers = List.copyOf(layers);
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
    @Override void applyFreezing() {
        lowestTrainable = ops.size();
        for (int i = ops.size() - 1; i >= 0; i--) {
            if (layers.get(i).parameterShapes().isEmpty()) continue;
            zeroFrozen[i] = buffers.freezeIn(i, ops.get(i));
            if (buffers.trains(i)) lowestTrainable = i;
        }
    }

    private String layerName(int i) { return "layer " + i + " (" + layers.get(i).describe() + ") of the model"; }

    /**
     * An inference-only model sharing this model's parameters and state (no gradients, own
     * activation buffers and workspace): one per thread for concurrent prediction.
     */
    @Override public Sequential replica() {
        requireOpen();
        Sequential r = new Sequential(sampleInput(), seed(), layers, buffers.params, buffers.state, false, new Workspace());
        r.training = false;
        r.preprocessing = preprocessing;
        return r;
    }

    /** The layers, in order. */
    public List<Layer> layers() { return layers; }
    @Override public Shape sampleOutput() { return sampleOutputs.get(sampleOutputs.size() - 1); }
    /** Per-sample output shape of layer i. */
    public Shape sampleOutput(int layer) { return sampleOutputs.get(layer); }

    /** Borrowed views of layer {@code layer}'s parameters (weight first, then bias). */
    public List<Tensor> parameters(int layer) { return buffers.params(layer); }
    /** Borrowed views of layer {@code layer}'s parameter gradients; empty for an inference-only model. */
    public List<Tensor> gradients(int layer) { return buffers.grads(layer); }
    @Override public long parameterCount() { return buffers.params == null ? 0 : buffers.params.size(); }   // also once closed

    /** Training mode (dropout active, batch statistics) or evaluation mode. */
    @Override public Sequential train(boolean on) { training = on; return this; }

    /**
     * Attaches {@code p} (saved with the model by {@code ModelFile.save}); null removes it. Its
     * channel count must match the input's (the first dimension of a C×H×W input), and with a
     * 1-D output its class names must be as many as the outputs.
     */
    @Override public Sequential setPreprocessing(Preprocessing p) { attach(p); return this; }

    /**
     * Runs every layer on batch {@code x}. The result is borrowed from the model's last layer:
     * valid until the next call, freed by the model, and its {@code close()} throws (copy it to keep
     * it). {@code x} stays the caller's.
     */
    @Override public Tensor forward(Tensor x) {
        enterForward();
        try {
            Tensor t = x;
            for (int i = 0; i < ops.size(); i++) outputs[i] = t = ops.get(i).forward(t, training);
            forwardDone(training);
            return lentOutput(t, x);
        } finally {
            leave();
        }
    }

    /**
     * Back-propagates {@code dy} (gradient of the loss with respect to the last forward's output),
     * accumulating into {@link #gradients()}. Returns the input gradient when asked, else null;
     * like {@link #forward}'s result it is borrowed from the model (of layer 0) until the next call.
     */
    @Override public Tensor backward(Tensor dy, boolean needInputGradient) {
        requireGradients();
        enter();
        try {
            requireCompleteForward();
            // below the lowest layer with parameters to train, only the input gradient would be left to compute
            int stop = needInputGradient ? 0 : lowestTrainable;
            Tensor g = dy;
            for (int i = ops.size() - 1; i >= stop; i--) {
                g = ops.get(i).backward(g, i > stop || needInputGradient);
                if (zeroFrozen[i]) buffers.zeroFrozenGradients(i);
            }
            return needInputGradient ? lentInputGradient(g, dy) : null;
        } finally {
            leave();
        }
    }

    @Override String where(int i) { return "layer " + i + " " + layers.get(i).describe(); }

    /** Layer {@code i}'s last output, unless a pooling fused after it computed it in its place (fusePools). */
    @Override Tensor checkableOutput(int i) { return !unwritten[i] && outputs[i] != null && outputs[i].isOpen() ? outputs[i] : null; }

    @Override String outputLender() { return layerName(ops.size() - 1); }

    @Override String inputGradientLender() { return layerName(0); }

    /** Per layer: output shape, parameters and FLOPs for one sample, and totals. */
    @Override public ModelSummary summary() { return ModelSummary.of(sampleInput(), layers); }

    @Override void closeOps() { for (Op op : ops) op.close(); }

    @Override void releaseOps() {
        Arrays.fill(outputs, null);
        for (Op op : ops) op.releaseBuffers();
    }
}

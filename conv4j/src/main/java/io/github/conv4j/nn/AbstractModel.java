package io.github.conv4j.nn;

import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@link Sequential} and {@link Graph} have in common whatever their topology: the flat
 * {@link ParameterBuffers} and what {@link Model} hands out of them, freezing, the modes and
 * counters, the one-thread-at-a-time guard, the borrowed views of the last results, the check for
 * non-finite values and the order of closing. A subclass runs its layers and names them.
 *
 * <p>The methods whose return type is the model itself ({@code train}, {@code setPreprocessing},
 * {@code replica}) stay in the subclasses, so that their covariant signatures (and the compiled
 * callers of those) are what they were.
 */
abstract class AbstractModel implements Model {
    private final Shape sampleInput;
    private final long seed;
    /** The scratch space of every op, freed on close. */
    final Workspace workspace;
    /**
     * Set once by the subclass's constructor, after it has checked the layers (a model that fails
     * its shape checks allocates no buffer); null only while that runs.
     */
    ParameterBuffers buffers;
    /** Training mode (dropout active, batch statistics) or evaluation mode. */
    boolean training = true;
    /** Attached by {@link #setPreprocessing}, null until then. */
    Preprocessing preprocessing;
    private final String kind, trainHint;   // "model" or "graph" in errors; what an inference-only model's gradients() suggests
    private final AtomicBoolean busy = new AtomicBoolean();
    private long trainingSteps;
    private boolean closed;
    // why a backward may not run now (its buffers were released, or the last forward failed
    // halfway and left them half written); null once a forward has gone through
    private String backwardRefusal;
    private final String releasedError, failedForwardError;   // made once: a forward sets one each step
    // the borrowed view of the last result, reused while it is the same buffer (no allocation per step)
    private Tensor lastRawOutput, lastLentOutput, lastRawInputGrad, lastLentInputGrad;

    /**
     * A model for inputs of {@code sampleInput}, seeded by {@code seed}, whose ops share
     * {@code workspace}; {@code kind} names it in errors, and {@code trainHint} ends the error of
     * an inference-only model's {@link #gradients()}.
     */
    AbstractModel(Shape sampleInput, long seed, Workspace workspace, String kind, String trainHint) {
        this.sampleInput = sampleInput;
        this.seed = seed;
        this.workspace = workspace;
        this.kind = kind;
        this.trainHint = trainHint;
        releasedError = "the " + kind + "'s buffers were released: run forward first";
        failedForwardError = "the " + kind + "'s last forward failed: run one that succeeds first";
    }

    /** Tells the ops which of their parameters are frozen (and the subclass's backward walk where it may stop). */
    abstract void applyFreezing();

    /** Layer or node {@code i} in {@link #firstNonFinite}'s answer, e.g. {@code layer 3 Conv2d(…)}. */
    abstract String where(int i);

    /** The last forward's output of layer or node {@code i} if it is there to check, else null. */
    abstract Tensor checkableOutput(int i);

    /** Whose the model's output is, in the errors of its borrowed view (called only when that buffer changes). */
    abstract String outputLender();

    /** Whose the model's input gradient is, in the errors of its borrowed view (called only when that buffer changes). */
    abstract String inputGradientLender();

    /** Frees the ops' own buffers (before the workspace and the parameter buffers). */
    abstract void closeOps();

    /** Frees what the ops keep between passes and forgets the last pass's results ({@link #releaseBuffers}). */
    abstract void releaseOps();

    @Override public Shape sampleInput() { return sampleInput; }

    /** The seed this model was built from: it initialised the parameters and seeds every random layer. */
    @Override public long seed() { return seed; }

    @Override public List<String> freeze(String prefix) {
        requireOpen();
        return buffers.setFrozen(prefix, true, this::applyFreezing);
    }

    @Override public List<String> unfreeze(String prefix) {
        requireOpen();
        return buffers.setFrozen(prefix, false, this::applyFreezing);
    }

    @Override public boolean isFrozen(String name) { return buffers.isFrozen(name); }

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
        if (inferenceOnly()) throw new IllegalStateException(inferenceOnlyError() + ": it has no gradients" + trainHint);
        return buffers.lentGrads;
    }

    /** True when the model has a gradient buffer, i.e. it can be trained (not a replica or inference-only model). */
    @Override public boolean isTrainable() { return buffers.grads != null || buffers.params == null; }

    /** Non-trainable state (running statistics), saved with the model; may be null. Borrowed. */
    @Override public Tensor state() { requireOpen(); return buffers.lentState; }

    @Override public Map<String, Tensor> namedParameters() { requireOpen(); return buffers.namedParameters(); }
    @Override public Map<String, Tensor> namedGradients() { requireOpen(); return buffers.namedGradients(); }
    @Override public Map<String, Tensor> namedState() { requireOpen(); return buffers.namedState(); }

    /** Bytes of the shared scratch space reserved so far (0 before the first batch). */
    public long workspaceBytes() { return workspace.sizeFloats() * Float.BYTES; }

    @Override public void zeroGrad() { requireOpen(); buffers.zeroGrads(); }   // over the workers; nothing without gradients

    /**
     * Training-mode forward passes so far: what Dropout keys its masks on. A checkpoint saves it
     * and a resumed run restores it ({@link #setTrainingSteps}), so its masks continue the sequence.
     */
    @Override public long trainingSteps() { return trainingSteps; }

    @Override public void setTrainingSteps(long steps) {
        if (steps < 0) throw new IllegalArgumentException("training steps must be non-negative, got " + steps);
        trainingSteps = steps;
    }

    /** Starts a forward pass ({@link #enter()}): until {@link #forwardDone} a backward is refused. */
    void enterForward() {
        enter();
        backwardRefusal = failedForwardError;
    }

    /** Ends a forward pass that went through: its buffers are there again, and a training one is counted. */
    void forwardDone(boolean training) {
        backwardRefusal = null;
        if (training) trainingSteps++;
    }

    /** Throws when the buffers a backward reads were released, or half written by a forward that failed, after the last complete forward. */
    void requireCompleteForward() {
        if (backwardRefusal != null) throw new IllegalStateException(backwardRefusal);
    }

    /**
     * Frees every op's buffers and the workspace (the plans stay, so the next passes allocate the
     * same buffers again and give the same bits).
     */
    @Override public final void releaseBuffers() {
        enter();
        try {
            backwardRefusal = releasedError;   // first: what the ops remember of the last pass is about to be freed
            lastRawOutput = lastLentOutput = lastRawInputGrad = lastLentInputGrad = null;
            releaseOps();
            workspace.release();
        } finally {
            leave();
        }
    }

    @Override public boolean isTraining() { return training; }

    /** How this model's inputs are to be prepared and what its classes are called; empty until set. */
    @Override public Optional<Preprocessing> preprocessing() { return Optional.ofNullable(preprocessing); }

    /**
     * The body of {@code setPreprocessing}: its channel count must match the input's (the first
     * dimension of a C×H×W input), and with a 1-D output its class names must be as many as the
     * outputs; null removes it.
     */
    void attach(Preprocessing p) {
        PreprocessingCheck.require(p, sampleInput, sampleOutput());
        preprocessing = p;
    }

    /** True when the flat gradient buffer holds only finite values. */
    @Override public boolean gradientsFinite() { return buffers.gradientsFinite(); }

    /**
     * Where non-finite values (NaN, ±Inf) first appear after the last forward/backward: the first
     * layer whose parameters, then whose output, then whose parameter gradient holds one; null if
     * none. (A ReLU turns NaN into 0, also where a convolution applies it to its own output.)
     */
    @Override public String firstNonFinite() {
        int n = buffers.layerCount();
        for (int i = 0; i < n; i++)
            for (Tensor p : buffers.params(i))
                if (!ParameterBuffers.finite(p)) return "the parameters of " + where(i);
        for (int i = 0; i < n; i++) {
            Tensor o = checkableOutput(i);
            if (o != null && !ParameterBuffers.finite(o)) return "the output of " + where(i);
        }
        for (int i = 0; i < n; i++)
            for (Tensor g : buffers.grads(i))
                if (!ParameterBuffers.finite(g)) return "the parameter gradient of " + where(i);
        return null;
    }

    /** Whether this model has parameters but no gradients (a replica, or loaded for inference): backward is refused. */
    boolean inferenceOnly() { return buffers.grads == null && buffers.params != null; }

    /** Throws for an inference-only model, whose backward has no gradients to write. */
    void requireGradients() {
        if (inferenceOnly()) throw new IllegalStateException(inferenceOnlyError() + ": no gradients");
    }

    private String inferenceOnlyError() { return "this " + kind + " is for inference only (a replica, or loaded with ModelFile.loadForInference)"; }

    /** Starts a forward or backward: open, and no other thread inside. Pair with {@link #leave()} in a finally. */
    void enter() {
        requireOpen();
        if (!busy.compareAndSet(false, true))
            throw new IllegalStateException("this " + kind + " is already running on another thread: a model is used by one thread at a time (use replica() for concurrent inference)");
    }

    void leave() { busy.set(false); }

    void requireOpen() { if (closed) throw new IllegalStateException("model is closed"); }

    /** What forward hands out for output {@code t} of input {@code x}: the caller's input if the layers passed it through, else a borrowed view. */
    Tensor lentOutput(Tensor t, Tensor x) {
        if (t == x) return x;   // layers that passed the input through: it is still the caller's
        if (t != lastRawOutput) {
            lastRawOutput = t;
            lastLentOutput = t.borrowed(outputLender());
        }
        return lastLentOutput;
    }

    /** What backward hands out for input gradient {@code g} of {@code dy}: null, the caller's {@code dy} passed through, or a borrowed view. */
    Tensor lentInputGradient(Tensor g, Tensor dy) {
        if (g == null || g == dy) return g;
        if (g != lastRawInputGrad) {
            lastRawInputGrad = g;
            lastLentInputGrad = g.borrowed(inputGradientLender());
        }
        return lastLentInputGrad;
    }

    /** Frees parameters (unless shared), gradients, the ops' buffers and the workspace. Idempotent. */
    @Override public final void close() {
        if (closed) return;
        closed = true;
        closeOps();
        workspace.close();
        if (buffers != null) buffers.close();
    }
}

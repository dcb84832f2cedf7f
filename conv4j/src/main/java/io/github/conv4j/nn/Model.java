package io.github.conv4j.nn;

import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What training, evaluation, optimisers and model files need of a model, whatever its topology: a
 * {@link Sequential} chain or a {@link Graph}. All parameters live in one flat off-heap buffer and
 * their gradients in another of the same layout; every tensor handed out is
 * {@linkplain Tensor#borrowed borrowed} from the model, which frees it in {@link #close()}.
 */
public interface Model extends AutoCloseable {
    /** Per-sample input shape, e.g. 3×32×32. */
    Shape sampleInput();

    /** Per-sample output shape, e.g. 10. */
    Shape sampleOutput();

    /** Runs the model on batch {@code x}; the result is borrowed, valid until the next call. */
    Tensor forward(Tensor x);

    /**
     * Back-propagates {@code dy} (the loss gradient of the last forward's output), accumulating
     * into {@link #gradients()}; returns the input gradient when asked (borrowed), else null.
     */
    Tensor backward(Tensor dy, boolean needInputGradient);

    /** {@link #backward(Tensor, boolean)} without the input gradient. */
    default Tensor backward(Tensor dy) { return backward(dy, false); }

    /** The flat parameter buffer, borrowed; null for a model without parameters. */
    Tensor parameters();

    /** The flat gradient buffer (layout of {@link #parameters()}), borrowed; throws for an inference-only model. */
    Tensor gradients();

    /** Non-trainable state (running statistics) in one flat buffer, borrowed; null when there is none. */
    Tensor state();

    /**
     * Every parameter by its stable dotted name, in buffer order: PyTorch {@code state_dict} style,
     * e.g. {@code layer1.0.conv1.weight}. Views of {@link #parameters()}, borrowed.
     */
    Map<String, Tensor> namedParameters();

    /** The gradient of every parameter under the parameter's name (borrowed); empty for an inference-only model. */
    Map<String, Tensor> namedGradients();

    /** Every state tensor by name, e.g. {@code bn1.running_mean}; views of {@link #state()}, borrowed. */
    Map<String, Tensor> namedState();

    /** True when the model has a gradient buffer (not a replica or inference-only model). */
    boolean isTrainable();

    /** Number of trainable parameters. */
    default long parameterCount() { Tensor p = parameters(); return p == null ? 0 : p.size(); }

    /**
     * Freezes every parameter whose name starts with {@code prefix} (e.g. {@code layer1.}, or a
     * whole name such as {@code fc.weight}), for fine-tuning: backward computes no gradient for it
     * (its gradient stays as it was: zero after {@link #zeroGrad()}), and stops below the lowest
     * layer that still has a parameter to train unless the input gradient is asked for; optimisers
     * made afterwards do not update it. The trainable parameters' gradients are those of the
     * unfrozen model. Returns the names frozen.
     *
     * @throws IllegalArgumentException when {@code prefix} is empty or matches no parameter
     */
    List<String> freeze(String prefix);

    /** Undoes {@link #freeze} for the parameters whose name starts with {@code prefix}; returns their names. */
    List<String> unfreeze(String prefix);

    /** True when the parameter called {@code name} is frozen ({@link #freeze}). */
    boolean isFrozen(String name);

    /** Zeroes the gradient buffer. */
    void zeroGrad();

    /** True in training mode. */
    boolean isTraining();

    /** Training mode (dropout active, batch statistics) or evaluation mode; returns this model. */
    Model train(boolean on);

    /** The seed that initialised the parameters and seeds every random layer. */
    long seed();

    /** Training-mode forward passes so far: what random layers key their draws on. */
    long trainingSteps();

    /** Restores {@link #trainingSteps()} (from a checkpoint); non-negative. */
    void setTrainingSteps(long steps);

    /** How inputs are prepared and what the classes are called; empty until set. */
    Optional<Preprocessing> preprocessing();

    /** Attaches {@code p} (null removes it), checked against the input's channels and the output's classes; returns this model. */
    Model setPreprocessing(Preprocessing p);

    /** Where non-finite values first appear after the last forward/backward (a layer's parameters, output or gradient), or null. */
    String firstNonFinite();

    /** True when the gradient buffer holds only finite values. */
    boolean gradientsFinite();

    /** Per layer: output shape, parameters, FLOPs and receptive field for one sample, and totals. */
    ModelSummary summary();

    /** An inference-only model sharing this one's parameters and state, for another thread. */
    Model replica();

    /**
     * Frees the memory a model keeps between passes (kept so that a steady loop allocates
     * nothing): every layer's outputs and input gradients, the scratch space, indices saved for
     * backward. Parameters, their gradients, the state and the packed copies of the weights stay;
     * what the last forward or backward returned is freed with its buffer (closed). For a model
     * that is done training and is kept beside another (a {@linkplain BatchNormFolding#fold folded}
     * copy for inference, say): its next forward allocates what it needs again, and a backward
     * needs such a forward first.
     */
    void releaseBuffers();

    /** Frees every buffer the model owns. Idempotent. */
    @Override void close();
}

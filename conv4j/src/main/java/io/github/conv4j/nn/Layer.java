package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An immutable layer configuration: it infers shapes, declares its parameters, and creates the
 * {@link Op} that runs it. Configuration objects are values: {@code new Conv2d(1, 32, 5).padding(2)}
 * returns a new configuration.
 */
public interface Layer {
    /**
     * The configuration as one line of {@code key=value} words after the type name, e.g.
     * {@code Conv2d in=1 out=32 kernel=5,5 ...}: what model files store (see {@code io.LayerCodec}).
     */
    String spec();

    /** A short description, e.g. {@code Conv2d(1→32, 5×5, pad 2)}, used in errors and summaries. */
    String describe();

    /**
     * The output shape for a batch input shape (N first), or an {@link IllegalArgumentException}
     * naming this layer, the expected and the actual shape.
     */
    Shape outputShape(Shape input);

    /** Shapes of the trainable parameters (weight first, then bias), in the model's flat buffer. */
    default List<Shape> parameterShapes() { return List.of(); }

    /**
     * The names of the parameters, as PyTorch's {@code state_dict} names them after the layer's
     * name: {@code weight} and {@code bias} (what Conv2d, Linear and the normalisations have).
     */
    default List<String> parameterNames() { return defaultNames(List.of("weight", "bias"), parameterShapes().size(), "param"); }

    /** The names of the state tensors: {@code running_mean} and {@code running_var}, a normalisation's. */
    default List<String> stateNames() { return defaultNames(List.of("running_mean", "running_var"), stateShapes().size(), "state"); }

    /** The first {@code count} of {@code usual}, then {@code other + index} for any further ones. */
    private static List<String> defaultNames(List<String> usual, int count, String other) {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) names.add(i < usual.size() ? usual.get(i) : other + i);
        return names;
    }

    /** Shapes of non-trainable state saved with the model (e.g. running statistics). */
    default List<Shape> stateShapes() { return List.of(); }

    /** Fills freshly allocated parameters and state (PyTorch's default initialisation, seeded). */
    default void initialize(List<Tensor> params, List<Tensor> state, SplittableRandom rng) {}

    /**
     * The receptive field of this layer's output given that of its input ({@code in}) of per-sample
     * shape {@code sampleInput}. The default keeps it: a pointwise layer (activation, normalisation,
     * 1×1 convolution, flattening) sees what its input saw.
     */
    default ReceptiveField receptiveField(Shape sampleInput, ReceptiveField in) { return in; }

    /** Multiply-adds × 2 of one forward pass over one sample. */
    default long flops(Shape sampleInput) { return 0; }

    /** The runtime of this layer for inputs of the given per-sample shape. */
    Op create(LayerContext context);

    /** Shape checks shared by the layers: the per-sample part of {@code input} must equal {@code expected}. */
    static void requireRank(String layer, Shape input, int rank, String layout) {
        if (input.rank() != rank)
            throw new IllegalArgumentException(layer + ": expected a " + rank + "-D input " + layout + ", got " + input);
    }
}

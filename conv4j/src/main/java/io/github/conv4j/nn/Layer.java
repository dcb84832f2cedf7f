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

    /** Shapes of non-trainable state saved with the model (e.g. running statistics). */
    default List<Shape> stateShapes() { return List.of(); }

    /** Fills freshly allocated parameters and state (PyTorch's default initialisation, seeded). */
    default void initialize(List<Tensor> params, List<Tensor> state, SplittableRandom rng) {}

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

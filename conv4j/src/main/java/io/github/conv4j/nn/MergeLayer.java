package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import java.util.List;

/**
 * An immutable configuration of a layer with several inputs (a {@link Graph} node that joins
 * branches: {@link Add}, {@link Concat}, {@link Mul}); the multi-input counterpart of
 * {@link Layer}. Merge layers have no parameters.
 */
public interface MergeLayer {
    /** The configuration as one line, type name first, as {@link Layer#spec()}. */
    String spec();

    /** A short description for errors and summaries, e.g. {@code Add(2)}. */
    String describe();

    /**
     * The per-sample output shape for these per-sample input shapes, or an
     * {@link IllegalArgumentException} giving the shapes (as {@code [N, C, H, W]}) and what is wrong.
     */
    Shape outputShape(List<Shape> sampleInputs);

    /** Arithmetic operations of one forward pass over one sample. */
    default long flops(List<Shape> sampleInputs) { return 0; }

    /** The runtime for these per-sample input shapes; {@code name} is the node's, for errors. */
    MergeOp create(String name, List<Shape> sampleInputs);
}

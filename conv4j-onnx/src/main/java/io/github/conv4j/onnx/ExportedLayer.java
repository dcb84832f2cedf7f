package io.github.conv4j.onnx;

import io.github.conv4j.tensor.Shape;
import java.util.List;

/**
 * One layer of the model being exported: its index, its options, the values of its parameters
 * and state, and the per-sample shape flowing into it.
 *
 * @param index the layer's position in the model
 * @param spec its options
 * @param parameters its parameters' values, weight first
 * @param state its state's values, running mean first
 * @param input the per-sample shape of its input
 */
record ExportedLayer(int index, LayerSpec spec, List<float[]> parameters, List<float[]> state, Shape input) {

    /** The shape of parameter {@code i}. */
    Shape parameterShape(int i) {
        return spec.layer().parameterShapes().get(i);
    }

    /** A refusal naming the layer. */
    IllegalArgumentException refuse(String detail) {
        return new IllegalArgumentException("layer " + index + " " + spec.layer().describe() + ": " + detail);
    }
}

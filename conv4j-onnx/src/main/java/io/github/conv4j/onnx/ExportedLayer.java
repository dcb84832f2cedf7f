package io.github.conv4j.onnx;

import io.github.conv4j.tensor.Shape;
import java.util.List;

/**
 * One layer of the model being exported: what to call it, its options, the values of its
 * parameters and state, and the per-sample shape flowing into it.
 *
 * @param label how messages name it: {@code layer 3} in a Sequential, {@code node 'layer1.0.conv1'} in a graph
 * @param spec its options
 * @param parameters its parameters' values, weight first
 * @param state its state's values, running mean first
 * @param input the per-sample shape of its input
 */
record ExportedLayer(String label, LayerSpec spec, List<float[]> parameters, List<float[]> state, Shape input) {

    /** The shape of parameter {@code i}. */
    Shape parameterShape(int i) {
        return spec.layer().parameterShapes().get(i);
    }

    /** A refusal naming the layer. */
    IllegalArgumentException refuse(String detail) {
        return new IllegalArgumentException(label + " " + spec.layer().describe() + ": " + detail);
    }
}

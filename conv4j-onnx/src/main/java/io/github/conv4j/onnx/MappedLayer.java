package io.github.conv4j.onnx;

import io.github.conv4j.nn.Layer;
import java.util.List;

/**
 * A conv4j layer made from one ONNX node (or two, for MatMul then Add), with the values its
 * parameters and state are to hold, in the order of {@link Layer#parameterShapes()} and
 * {@link Layer#stateShapes()}.
 *
 * @param layer the layer's configuration
 * @param parameters the values of its parameters (weight first, then bias), row-major
 * @param state the values of its state (running mean, then running variance), row-major
 */
record MappedLayer(Layer layer, List<float[]> parameters, List<float[]> state) {

    MappedLayer {
        parameters = List.copyOf(parameters);
        state = List.copyOf(state);
    }

    /** A layer without parameters or state. */
    static MappedLayer of(Layer layer) {
        return new MappedLayer(layer, List.of(), List.of());
    }

    /** A layer with parameters and no state. */
    static MappedLayer withParameters(Layer layer, float[]... parameters) {
        return new MappedLayer(layer, List.of(parameters), List.of());
    }
}

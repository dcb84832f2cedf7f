package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;

/**
 * What a layer's runtime is given: its per-sample input shape, views of its parameters,
 * gradients and state in the model's flat buffers, and the model's shared scratch space.
 */
public record LayerContext(String name, Shape sampleInput, List<Tensor> params, List<Tensor> grads,
                           List<Tensor> state, Workspace workspace) {
    public LayerContext {
        params = List.copyOf(params);
        grads = List.copyOf(grads);
        state = List.copyOf(state);
    }
}

package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What a layer's runtime is given: its per-sample input shape, views of its parameters,
 * gradients and state in the model's flat buffers, the model's shared scratch space, a seed of
 * its own (derived from the model's seed and the layer's position) and the model's count of
 * training steps (training-mode forward passes so far), which a random layer keys its draws on so
 * that a run resumed from a checkpoint draws what the uninterrupted run would have.
 */
public record LayerContext(String name, Shape sampleInput, List<Tensor> params, List<Tensor> grads,
                           List<Tensor> state, Workspace workspace, long seed, LongSupplier trainingSteps) {
    /** Copies the lists, so the context is immutable. */
    public LayerContext {
        params = List.copyOf(params);
        grads = List.copyOf(grads);
        state = List.copyOf(state);
    }
}

package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/**
 * A layer-owned activation buffer for a varying batch size: memory grows to the largest batch
 * seen and is reused; the view for the current batch size is cached, so a steady training loop
 * allocates nothing.
 */
final class BatchBuffer implements AutoCloseable {
    private final Shape sample;
    private Tensor storage;
    private Tensor view;

    BatchBuffer(Shape sample) { this.sample = sample; }

    Tensor get(int batch) {
        if (view != null && view.dim(0) == batch) return view;
        if (storage == null || storage.dim(0) < batch) {
            close();
            storage = Tensor.zeros(sample.prependBatch(batch));
            view = storage;
        } else {
            view = storage.view(0, sample.prependBatch(batch));
        }
        return view;
    }

    @Override public void close() {
        if (storage != null) storage.close();
        storage = null;
        view = null;
    }
}

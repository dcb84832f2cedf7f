package io.github.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.github.conv4j.nn.Model;
import io.github.conv4j.tensor.Tensor;

/** What the export round trips check of a model and its import back. */
final class RoundTripAssertions {
    private RoundTripAssertions() {
    }

    /** The same outputs on a random batch of {@code batch}, bit for bit. */
    static void assertSameOutputs(Model expected, Model actual, int batch) {
        float[] x = OnnxTestNetworks.randomBatch(expected, batch);
        try (Tensor input = Tensor.of(x, expected.sampleInput().prependBatch(batch).dims())) {
            assertArrayEquals(expected.forward(input).toArray(), actual.forward(input).toArray(), "bit for bit");
        }
    }
}

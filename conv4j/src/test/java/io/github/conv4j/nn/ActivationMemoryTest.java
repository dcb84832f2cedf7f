package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.zoo.Zoo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary's activation memory: four bytes per output value of each node, for one sample. */
class ActivationMemoryTest {
    @Test void theReferenceCnnsOutputsByLayer() {
        Zoo.Architecture a = Zoo.reference();
        ModelSummary s = ModelSummary.of(a.input(), a.layers());
        // conv 32×28×28, ReLU, pool 32×14×14, conv 64×14×14, ReLU, pool 64×7×7, flatten 3136, fc 256, ReLU, fc 10
        long[] expected = {100_352, 100_352, 25_088, 50_176, 50_176, 12_544, 12_544, 1_024, 1_024, 40};
        assertEquals(expected.length, s.rows().size());
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], s.rows().get(i).activationBytes(), "layer " + i);
        assertEquals(353_320, s.activationBytes());
        String text = s.toString();
        assertTrue(text.contains("activation memory per sample 345.0 KiB"), text);
        assertTrue(text.contains("98.0 KiB"), text);
    }

    @Test void aGraphCountsItsMergeNodesToo() {
        GraphBuilder b = new GraphBuilder(Shape.of(2, 3, 3));
        Node c = b.add("conv", new Conv2d(2, 2, 3).padding(1), b.input());
        Node sum = b.add("add", new Add(), b.input(), c);
        ModelSummary s = ModelSummary.ofGraph(b.nodes());
        assertEquals(List.of(72L, 72L), s.rows().stream().map(ModelSummary.Row::activationBytes).toList());
        assertEquals(144, s.activationBytes());
        assertEquals("add", sum.name());
    }

    @Test void bytesInBinaryUnits() {
        assertEquals("40 B", ModelSummary.bytes(40));
        assertEquals("1.5 KiB", ModelSummary.bytes(1536));
        assertEquals("3.0 MiB", ModelSummary.bytes(3L << 20));
    }
}

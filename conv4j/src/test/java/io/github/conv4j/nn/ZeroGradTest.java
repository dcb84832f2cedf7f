package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.RestoreParallelism;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** zeroGrad zeroes the whole gradient buffer when it is split over the workers (ParameterBuffers.zeroGrads), and tells caches it changed. */
@ExtendWith(RestoreParallelism.class)
class ZeroGradTest {
    @Test void everyGradientIsZeroedOnOneTwoAndThreeThreads() {
        for (int threads = 1; threads <= 3; threads++) {
            Parallelism.configure(threads, Parallelism.Mode.BATCH);
            // 100,300 parameters: above SlicedPass's threshold, so two and three threads cut the buffer
            try (Sequential m = new Sequential(Shape.of(400), 7, List.of(new Linear(400, 200), new ReLU(), new Linear(200, 100)))) {
                for (int round = 0; round < 2; round++) {   // the second, once the workers have run a pass
                    Tensor g = m.gradients();
                    assertTrue(g.size() > SlicedPass.MIN_SPLIT);
                    float[] v = new float[(int) g.size()];
                    for (int i = 0; i < v.length; i++) v[i] = i + 1;
                    g.copyFrom(v);
                    long version = g.version();
                    m.zeroGrad();
                    assertTrue(g.version() != version, "zeroGrad must count as a write");
                    float[] after = g.toArray();
                    for (int i = 0; i < after.length; i++) assertEquals(0f, after[i], threads + " threads, round " + round + ": gradient " + i);
                }
            }
        }
    }

    /** zeroGrad and an optimiser step write through the buffers' pointers (the optimiser's made once): after the model is closed both must refuse, not write freed memory. */
    @Test void aClosedModelIsRefusedNotWritten() {
        Sequential s = new Sequential(Shape.of(400), 7, List.of(new Linear(400, 200)));
        s.zeroGrad();
        io.github.conv4j.optim.Sgd sgd = new io.github.conv4j.optim.SgdConfig().learningRate(0.1).create(s);
        sgd.step();
        s.close();
        assertEquals("model is closed", assertThrows(IllegalStateException.class, s::zeroGrad).getMessage());
        assertEquals("SGD: the model is closed", assertThrows(IllegalStateException.class, sgd::step).getMessage());
        sgd.close();
        GraphBuilder b = new GraphBuilder(Shape.of(400));
        Graph g = b.build(b.add("fc", new Linear(400, 200), b.input()), 3);
        g.zeroGrad();
        g.close();
        assertThrows(IllegalStateException.class, g::zeroGrad);
    }

    @Test void aGraphZeroesItsGradientsToo() {
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        GraphBuilder b = new GraphBuilder(Shape.of(400));
        Node out = b.add("fc2", new Linear(200, 100), b.add("relu", new ReLU(), b.add("fc1", new Linear(400, 200), b.input())));
        try (Graph m = b.build(out, 3)) {
            assertTrue(m.gradients().size() > SlicedPass.MIN_SPLIT);
            Tensor g = m.gradients();
            g.fill(3f);
            m.zeroGrad();
            float[] after = g.toArray();
            for (int i = 0; i < after.length; i++) assertEquals(0f, after[i], "gradient " + i);
        }
    }
}

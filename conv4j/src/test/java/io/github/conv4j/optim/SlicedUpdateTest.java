package io.github.conv4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.Parallelism;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.testing.RestoreParallelism;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The optimisers split their update over the workers (SlicedPass): every element's update reads
 * only that element, so two threads must give the bits of one, also where a slice cut falls inside a
 * parameter group's range (the first layer's weights here, with a group learning rate of its own).
 */
@ExtendWith(RestoreParallelism.class)
class SlicedUpdateTest {
    /** 100,300 parameters: above the split threshold (2^16), cut inside layer 0's weights. */
    private static Sequential model() {
        return new Sequential(Shape.of(400), 7, List.of(new Linear(400, 200), new ReLU(), new Linear(200, 100)));
    }

    @Test void sgdGivesTheSameBitsOnOneAndTwoThreads() {
        assertSameOnOneAndTwo(m -> new SgdConfig().learningRate(0.05).momentum(0.9).weightDecay(0.01).nesterov()
                .group(n -> n.startsWith("0."), g -> g.learningRate(0.01)).create(m));
    }

    @Test void adamAndAdamWGiveTheSameBitsOnOneAndTwoThreads() {
        for (boolean decoupled : new boolean[] {false, true})
            assertSameOnOneAndTwo(m -> new AdamConfig().learningRate(0.001).weightDecay(0.1).decoupled(decoupled)
                    .group(n -> n.startsWith("0."), g -> g.learningRate(0.0005)).create(m));
    }

    private static void assertSameOnOneAndTwo(Function<Sequential, Optimizer> make) {
        List<float[]> one = run(1, make), two = run(2, make);
        assertTrue(one.get(0).length > 1 << 16, "the model must be large enough to be split");
        for (int i = 0; i < one.size(); i++) assertArrayEquals(one.get(i), two.get(i), i == 0 ? "parameters" : "optimiser state " + i);
    }

    /** Parameters, then the optimiser's state, after three steps with the same pseudo-random gradients. */
    private static List<float[]> run(int threads, Function<Sequential, Optimizer> make) {
        Parallelism.configure(threads, Parallelism.Mode.BATCH);
        try (Sequential m = model(); Optimizer opt = make.apply(m)) {
            SplittableRandom rng = new SplittableRandom(3);
            float[] g = new float[(int) m.gradients().size()];
            float[] before = m.parameters().toArray();
            for (int step = 0; step < 3; step++) {
                for (int i = 0; i < g.length; i++) g[i] = (float) rng.nextGaussian();
                m.gradients().copyFrom(g);
                opt.step();
            }
            List<float[]> out = new ArrayList<>();
            out.add(m.parameters().toArray());
            for (var t : opt.state()) out.add(t.toArray());
            // every element moved: no slice was skipped (a skipped one would also differ between the thread counts)
            float[] after = out.get(0);
            for (int i = 0; i < after.length; i++) if (after[i] == before[i]) throw new AssertionError("parameter " + i + " unchanged on " + threads + " threads");
            return out;
        }
    }
}

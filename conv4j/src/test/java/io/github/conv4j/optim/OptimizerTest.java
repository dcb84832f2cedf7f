package io.github.conv4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The native updates against the textbook rules, written out in double precision. */
class OptimizerTest {
    /** The gradient every step is given: the model's two weights and its bias. */
    private static final float[] G = {0.5f, -0.25f, 1f};

    private static Sequential model() { return new Sequential(Shape.of(2), 1, List.of(new Linear(2, 1))); }

    @Test void sgdWithNesterovMomentumAndWeightDecay() {
        long steps = assertSgdFollows(new SgdConfig().learningRate(0.1).momentum(0.9).weightDecay(0.01).nesterov(), (step, p, v) -> {
            for (int i = 0; i < p.length; i++) {
                double gi = G[i] + 0.01 * p[i];
                v[i] = step == 0 ? gi : 0.9 * v[i] + gi;
                p[i] -= 0.1 * (gi + 0.9 * v[i]);
            }
        });
        assertEquals(3, steps);
    }

    @Test void adamAndAdamW() {
        for (boolean decoupled : new boolean[] {false, true}) {
            try (Sequential m = model(); Adam adam = new AdamConfig().learningRate(0.01).betas(0.9, 0.999).eps(1e-8).weightDecay(0.1).decoupled(decoupled).create(m)) {
                float[] p0 = m.parameters().toArray();
                double[] p = new double[p0.length], mo = new double[p0.length], ve = new double[p0.length];
                for (int i = 0; i < p.length; i++) p[i] = p0[i];
                for (int t = 1; t <= 4; t++) {
                    m.gradients().copyFrom(G);
                    adam.step();
                    for (int i = 0; i < p.length; i++) {
                        double gi = G[i];
                        if (decoupled) p[i] *= 1 - 0.01 * 0.1; else gi += 0.1 * p[i];
                        mo[i] = 0.9 * mo[i] + 0.1 * gi;
                        ve[i] = 0.999 * ve[i] + 0.001 * gi * gi;
                        double mh = mo[i] / (1 - Math.pow(0.9, t)), vh = ve[i] / (1 - Math.pow(0.999, t));
                        p[i] -= 0.01 * mh / (Math.sqrt(vh) + 1e-8);
                    }
                }
                float[] got = m.parameters().toArray();
                for (int i = 0; i < p.length; i++) assertEquals(p[i], got[i], 1e-5, (decoupled ? "AdamW" : "Adam") + " parameter " + i);
            }
        }
    }

    @Test void schedules() {
        assertEquals(0.1, LrSchedule.constant().at(0.1, 1000, 10));
        assertEquals(0.01, LrSchedule.step(2, 0.1).at(0.1, 25, 10), 1e-12);
        assertEquals(0.1, LrSchedule.cosine(4, 0).at(0.1, 0, 10), 1e-12);
        assertEquals(0.05, LrSchedule.cosine(4, 0).at(0.1, 20, 10), 1e-12);
        assertEquals(0.0, LrSchedule.cosine(4, 0).at(0.1, 40, 10), 1e-12);
        assertEquals(0.025, LrSchedule.constant().withWarmup(4).at(0.1, 0, 10), 1e-12);
        assertEquals(0.1, LrSchedule.constant().withWarmup(4).at(0.1, 4, 10), 1e-12);
    }

    /** Dampening scales the gradient entering the velocity, except on the first step (PyTorch). */
    @Test void sgdWithDampenedMomentum() {
        assertSgdFollows(new SgdConfig().learningRate(0.1).momentum(0.9).dampening(0.5), (step, p, v) -> {
            for (int i = 0; i < p.length; i++) {
                v[i] = step == 0 ? G[i] : 0.9 * v[i] + 0.5 * G[i];
                p[i] -= 0.1 * v[i];
            }
        });
    }

    /**
     * The step count decides SGD's first step (velocity = gradient, undampened) and Adam's bias
     * correction: after setSteps(0) (a checkpoint of a run that had not stepped yet) the next SGD
     * step starts the velocity again, and Adam's next step corrects as step 1 does.
     */
    @Test void theStepCountRestoredDecidesTheFirstStep() {
        try (Sequential m = model(); Sgd sgd = new SgdConfig().learningRate(0.1).momentum(0.9).dampening(0.5).create(m)) {
            for (int step = 0; step < 2; step++) { m.gradients().copyFrom(G); sgd.step(); }
            sgd.setSteps(0);
            m.gradients().copyFrom(G);
            sgd.step();
            assertArrayEquals(G, sgd.state().get(0).toArray(), "velocity after a first step");
            assertEquals(1, sgd.steps());
        }
        try (Sequential m = model(); Adam adam = new AdamConfig().learningRate(0.01).create(m)) {
            float[] p0 = m.parameters().toArray();
            for (int step = 0; step < 3; step++) { m.gradients().copyFrom(G); adam.step(); }
            adam.setSteps(0);
            for (var t : adam.state()) t.copyFrom(new float[G.length]);
            m.parameters().copyFrom(p0);
            m.gradients().copyFrom(G);
            adam.step();
            // step 1 from zero moments: m̂ = g, v̂ = g², so every parameter moves by lr·g/(|g| + eps) ≈ lr
            float[] got = m.parameters().toArray();
            for (int i = 0; i < G.length; i++) assertEquals(p0[i] - 0.01 * Math.signum(G[i]), got[i], 1e-6, "parameter " + i);
            assertEquals(1, adam.steps());
        }
    }

    /** One textbook SGD step, the {@code step}th from 0, on the parameters {@code p} and velocities {@code v} with gradient G. */
    private interface TextbookSgd {
        void step(int step, double[] p, double[] v);
    }

    /**
     * Three native steps of {@code config} with gradient G against three of {@code textbook} in
     * double precision, to 1e-6.
     *
     * @return the optimiser's step count
     */
    private static long assertSgdFollows(SgdConfig config, TextbookSgd textbook) {
        try (Sequential m = model(); Sgd sgd = config.create(m)) {
            float[] p0 = m.parameters().toArray();
            double[] p = new double[p0.length], v = new double[p0.length];
            for (int i = 0; i < p.length; i++) p[i] = p0[i];
            for (int step = 0; step < 3; step++) {
                m.gradients().copyFrom(G);
                sgd.step();
                textbook.step(step, p, v);
            }
            float[] got = m.parameters().toArray();
            for (int i = 0; i < p.length; i++) assertEquals(p[i], got[i], 1e-6);
            return sgd.steps();
        }
    }
}

package io.github.conv4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The native updates against the textbook rules, written out in double precision. */
class OptimizerTest {
    private static Sequential model() { return new Sequential(Shape.of(2), 1, List.of(new Linear(2, 1))); }

    @Test void sgdWithNesterovMomentumAndWeightDecay() {
        try (Sequential m = model(); Sgd sgd = new SgdConfig().learningRate(0.1).momentum(0.9).weightDecay(0.01).nesterov().create(m)) {
            float[] p0 = m.parameters().toArray();
            double[] p = new double[p0.length], v = new double[p0.length];
            for (int i = 0; i < p.length; i++) p[i] = p0[i];
            float[] g = {0.5f, -0.25f, 1f};
            for (int step = 0; step < 3; step++) {
                m.gradients().copyFrom(g);
                sgd.step();
                for (int i = 0; i < p.length; i++) {
                    double gi = g[i] + 0.01 * p[i];
                    v[i] = step == 0 ? gi : 0.9 * v[i] + gi;
                    p[i] -= 0.1 * (gi + 0.9 * v[i]);
                }
            }
            float[] got = m.parameters().toArray();
            for (int i = 0; i < p.length; i++) assertEquals(p[i], got[i], 1e-6);
            assertEquals(3, sgd.steps());
        }
    }

    @Test void adamAndAdamW() {
        for (boolean decoupled : new boolean[] {false, true}) {
            try (Sequential m = model(); Adam adam = new AdamConfig().learningRate(0.01).betas(0.9, 0.999).eps(1e-8).weightDecay(0.1).decoupled(decoupled).create(m)) {
                float[] p0 = m.parameters().toArray();
                double[] p = new double[p0.length], mo = new double[p0.length], ve = new double[p0.length];
                for (int i = 0; i < p.length; i++) p[i] = p0[i];
                float[] g = {0.5f, -0.25f, 1f};
                for (int t = 1; t <= 4; t++) {
                    m.gradients().copyFrom(g);
                    adam.step();
                    for (int i = 0; i < p.length; i++) {
                        double gi = g[i];
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
        try (Sequential m = model(); Sgd sgd = new SgdConfig().learningRate(0.1).momentum(0.9).dampening(0.5).create(m)) {
            float[] p0 = m.parameters().toArray();
            double[] p = new double[p0.length], v = new double[p0.length];
            for (int i = 0; i < p.length; i++) p[i] = p0[i];
            float[] g = {0.5f, -0.25f, 1f};
            for (int step = 0; step < 3; step++) {
                m.gradients().copyFrom(g);
                sgd.step();
                for (int i = 0; i < p.length; i++) {
                    v[i] = step == 0 ? g[i] : 0.9 * v[i] + 0.5 * g[i];
                    p[i] -= 0.1 * v[i];
                }
            }
            float[] got = m.parameters().toArray();
            for (int i = 0; i < p.length; i++) assertEquals(p[i], got[i], 1e-6);
        }
    }
}

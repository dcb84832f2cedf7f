package io.github.conv4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameter groups by name: weight decay off for biases and BatchNorm, a group's own learning rate, frozen groups. */
class ParamGroupTest {
    /** Parameters 0.weight, 0.bias (conv), 1.weight, 1.bias (BatchNorm), 3.weight, 3.bias (linear). */
    private static Sequential model() {
        return new Sequential(Shape.of(1, 4, 4), 7, List.of(new Conv2d(1, 2, 3), new BatchNorm2d(2), new Flatten(), new Linear(8, 3)));
    }

    private static Map<String, float[]> snapshot(Sequential m) {
        Map<String, float[]> s = new HashMap<>();
        m.namedParameters().forEach((name, t) -> s.put(name, t.toArray()));
        return s;
    }

    /** Gradient i of the flat buffer is 0.01·(i + 1): every parameter has its own value. */
    private static void setGradients(Sequential m) {
        Tensor g = m.gradients();
        for (long i = 0; i < g.size(); i++) g.set(i, 0.01f * (i + 1));
    }

    @Test void biasesAndBatchNormGetNoWeightDecay() {
        try (Sequential m = model(); Sgd sgd = new SgdConfig().learningRate(0.1).weightDecay(0.5).noDecayOnBiasAndNorm().create(m)) {
            Map<String, float[]> before = snapshot(m);
            setGradients(m);
            Map<String, float[]> grads = new HashMap<>();
            m.namedGradients().forEach((name, t) -> grads.put(name, t.toArray()));
            sgd.step();
            for (String name : List.of("0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias")) {
                boolean decays = name.equals("0.weight") || name.equals("3.weight");
                float[] p = before.get(name), g = grads.get(name), got = m.namedParameters().get(name).toArray();
                for (int i = 0; i < p.length; i++)
                    assertEquals(p[i] - 0.1 * (g[i] + (decays ? 0.5 * p[i] : 0)), got[i], 1e-6, name + "[" + i + "]");
            }
        }
    }

    @Test void neighbouringParametersOfOneGroupAreOneRange() {
        try (Sequential m = model()) {
            List<UpdateRange> ranges = new SgdConfig().weightDecay(0.5).noDecayOnBiasAndNorm().grouping().ranges(m, 0.1, 0.5);
            // 0.weight (18) | 0.bias, 1.weight, 1.bias (2 + 2 + 2, no decay) | 3.weight (24) | 3.bias (3, no decay)
            assertEquals(List.of(new UpdateRange(0, 18, 1, 0.5f), new UpdateRange(18, 6, 1, 0f), new UpdateRange(24, 24, 1, 0.5f),
                    new UpdateRange(48, 3, 1, 0f)), ranges);
            assertEquals(List.of(new UpdateRange(0, 51, 1, 0.5f)), new SgdConfig().grouping().ranges(m, 0.1, 0.5));
        }
    }

    @Test void aGroupHasItsOwnLearningRateAndTheScheduleScalesIt() {
        try (Sequential m = model();
             Sgd sgd = new SgdConfig().learningRate(0.1).group(n -> n.startsWith("3."), g -> g.learningRate(0.01)).create(m)) {
            for (double lr : new double[] {0.1, 0.05}) {   // 0.05: what a schedule sets; the head's rate halves too
                sgd.setLearningRate(lr);
                Map<String, float[]> before = snapshot(m);
                setGradients(m);
                Map<String, float[]> grads = new HashMap<>();
                m.namedGradients().forEach((name, t) -> grads.put(name, t.toArray()));
                sgd.step();
                m.namedParameters().forEach((name, t) -> {
                    double groupLr = name.startsWith("3.") ? lr / 10 : lr;
                    float[] p = before.get(name), g = grads.get(name), got = t.toArray();
                    for (int i = 0; i < p.length; i++) assertEquals(p[i] - groupLr * g[i], got[i], 1e-6, name + "[" + i + "] at lr " + lr);
                });
            }
        }
    }

    @Test void frozenParametersStayBitIdenticalAndTheOthersLearn() {
        for (OptimizerConfig config : List.<OptimizerConfig>of(new SgdConfig().learningRate(0.1).momentum(0.9).weightDecay(0.01).freeze("0."),
                AdamConfig.adamW().learningRate(0.01).freeze("0."))) {
            try (Sequential m = model(); Optimizer opt = config.create(m)) {
                Map<String, float[]> before = snapshot(m);
                for (int step = 0; step < 3; step++) {
                    setGradients(m);
                    opt.step();
                }
                m.namedParameters().forEach((name, t) -> {
                    if (name.startsWith("0.")) assertArrayEquals(before.get(name), t.toArray(), config + ": " + name + " is frozen");
                    else assertFalse(java.util.Arrays.equals(before.get(name), t.toArray()), config + ": " + name + " should learn");
                });
            }
        }
    }

    @Test void theFirstMatchingGroupDecides() {
        try (Sequential m = model()) {
            List<UpdateRange> ranges = new SgdConfig().group(n -> n.equals("3.bias"), g -> g.weightDecay(0.25))
                    .group(n -> n.startsWith("3."), ParamGroup::frozen).grouping().ranges(m, 0.1, 0);
            assertEquals(List.of(new UpdateRange(0, 24, 1, 0f), new UpdateRange(48, 3, 1, 0.25f)), ranges);
        }
    }

    @Test void badGroupOptionsNameTheOptionAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParamGroup.INHERIT.learningRate(-1));
        assertEquals("group learningRate must be positive and finite, got -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AdamConfig().freeze(""));
        assertEquals("freeze needs a non-empty name prefix, got ''", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SgdConfig().freeze(null));
        assertEquals("freeze needs a non-empty name prefix, got 'null'", e.getMessage());
        assertEquals("sgd(lr 0.1, weight decay 5.0E-4, 1 group, no decay on bias/norm)",
                new SgdConfig().learningRate(0.1).weightDecay(5e-4).freeze("0.").noDecayOnBiasAndNorm().toString());
    }
}

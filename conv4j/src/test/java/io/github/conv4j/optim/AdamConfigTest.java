package io.github.conv4j.optim;

import static io.github.conv4j.optim.SgdConfigTest.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Adam's options: PyTorch's Adam and AdamW defaults, each bad value refused where it is set. */
class AdamConfigTest {
    @Test void defaultsArePyTorchsAdam() {
        AdamConfig c = new AdamConfig();
        assertEquals(0.001, c.learningRate());
        assertEquals(0.9, c.beta1());
        assertEquals(0.999, c.beta2());
        assertEquals(1e-8, c.eps());
        assertEquals(0, c.weightDecay());
        assertFalse(c.isDecoupled());
        assertEquals("adam(lr 0.001)", c.toString());
    }

    @Test void adamWIsDecoupledWithWeightDecay001() {
        AdamConfig c = AdamConfig.adamW();
        assertTrue(c.isDecoupled());
        assertEquals(0.01, c.weightDecay());
        assertEquals(0.001, c.learningRate());
        assertEquals("adamw(lr 0.001, weight decay 0.01)", c.toString());
        assertFalse(c.decoupled(false).isDecoupled());
    }

    @Test void badValuesNameTheOptionAndTheValue() {
        AdamConfig c = new AdamConfig();
        refused("learningRate must be positive and finite, got -0.001", () -> c.learningRate(-0.001));
        refused("beta1 must be in [0, 1), got 1.0", () -> c.betas(1, 0.999));
        refused("beta2 must be in [0, 1), got -0.5", () -> c.betas(0.9, -0.5));
        refused("beta2 must be in [0, 1), got NaN", () -> c.betas(0.9, Double.NaN));
        refused("eps must be positive and finite, got 0.0", () -> c.eps(0));
        refused("weightDecay must be non-negative and finite, got -1.0", () -> c.weightDecay(-1));
    }

    @Test void createdOptimizerHasTwoMomentBuffers() {
        AdamConfig c = new AdamConfig().learningRate(0.02).betas(0.8, 0.99);
        try (Sequential m = new Sequential(Shape.of(2), 1, List.of(new Linear(2, 1))); Adam adam = c.create(m)) {
            assertEquals(0.02, adam.learningRate());
            assertEquals(c, adam.config());
            assertEquals(2, adam.state().size());
            assertEquals("adam(lr 0.02)", adam.describe());
        }
    }
}

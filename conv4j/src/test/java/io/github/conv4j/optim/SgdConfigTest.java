package io.github.conv4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** SGD's options: PyTorch's defaults, each bad value refused where it is set, naming the option and the value. */
class SgdConfigTest {
    static void refused(String message, Executable option) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, option).getMessage());
    }

    @Test void defaultsArePyTorchs() {
        SgdConfig c = new SgdConfig();
        assertEquals(0.001, c.learningRate());
        assertEquals(0, c.momentum());
        assertEquals(0, c.dampening());
        assertEquals(0, c.weightDecay());
        assertFalse(c.isNesterov());
        assertEquals("sgd(lr 0.001)", c.toString());
    }

    @Test void optionsReturnANewConfigurationAndLeaveTheOldOne() {
        SgdConfig base = new SgdConfig().learningRate(0.01);
        SgdConfig nesterov = base.momentum(0.9).weightDecay(5e-4).nesterov();
        assertNotSame(base, nesterov);
        assertEquals(0, base.momentum());
        assertFalse(base.isNesterov());
        assertTrue(nesterov.isNesterov());
        assertEquals(0.01, nesterov.learningRate());
        assertFalse(nesterov.nesterov(false).isNesterov());
        assertEquals("sgd(lr 0.01, momentum 0.9, nesterov, weight decay 5.0E-4)", nesterov.toString());
    }

    @Test void badValuesNameTheOptionAndTheValue() {
        SgdConfig c = new SgdConfig();
        refused("learningRate must be positive and finite, got 0.0", () -> c.learningRate(0));
        refused("learningRate must be positive and finite, got -1.0", () -> c.learningRate(-1));
        refused("learningRate must be positive and finite, got NaN", () -> c.learningRate(Double.NaN));
        refused("learningRate must be positive and finite, got Infinity", () -> c.learningRate(Double.POSITIVE_INFINITY));
        refused("momentum must be in [0, 1), got 1.0", () -> c.momentum(1));
        refused("momentum must be in [0, 1), got -0.1", () -> c.momentum(-0.1));
        refused("dampening must be in [0, 1], got 1.5", () -> c.dampening(1.5));
        refused("weightDecay must be non-negative and finite, got -0.01", () -> c.weightDecay(-0.01));
        refused("weightDecay must be non-negative and finite, got NaN", () -> c.weightDecay(Double.NaN));
    }

    /** The rule between options holds whichever option breaks it. */
    @Test void nesterovNeedsMomentumAndNoDampening() {
        refused("nesterov needs momentum > 0 and dampening 0, got momentum 0.0, dampening 0.0", () -> new SgdConfig().nesterov());
        SgdConfig nesterov = new SgdConfig().momentum(0.9).nesterov();
        refused("nesterov needs momentum > 0 and dampening 0, got momentum 0.0, dampening 0.0", () -> nesterov.momentum(0));
        refused("nesterov needs momentum > 0 and dampening 0, got momentum 0.9, dampening 0.1", () -> nesterov.dampening(0.1));
    }

    @Test void createdOptimizerStartsFromTheConfiguration() {
        SgdConfig c = new SgdConfig().learningRate(0.05).momentum(0.5);
        try (Sequential m = new Sequential(Shape.of(2), 1, List.of(new Linear(2, 1))); Sgd sgd = c.create(m)) {
            assertEquals(0.05, sgd.learningRate());
            assertEquals(0, sgd.steps());
            assertEquals(c, sgd.config());
            assertEquals(1, sgd.state().size());
            assertEquals(m.parameters().size(), sgd.state().get(0).size());
        }
    }

    @Test void aModelWithoutParametersIsRefused() {
        try (Sequential m = new Sequential(Shape.of(2), 1, List.of(new ReLU()))) {
            refused("SGD: the model has no trainable parameters", () -> new SgdConfig().create(m));
        }
        assertThrows(NullPointerException.class, () -> new SgdConfig().create(null));
    }
}

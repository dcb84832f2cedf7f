package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.optim.Sgd;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.RandomFloats;
import io.github.conv4j.zoo.CifarResNet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Freezing on the model skips work: a frozen parameter's gradient is never written (a value put
 * there survives backward), the frozen prefix of the network is not back-propagated through at
 * all, every trainable parameter's gradient and the input gradient are those of the unfrozen
 * model bit for bit, and optimisers leave frozen parameters alone.
 */
class FreezingTest {
    private static final Shape SAMPLE = Shape.of(3, 8, 8);
    private static final float UNTOUCHED = 7f;
    private static final List<String> FROZEN = List.of("conv1.", "bn1.", "layer1.", "layer2.");

    private static Graph resnet() { return CifarResNet.resnet20(3, 5).build(SAMPLE, 3); }

    private static Tensor batch(Shape shape, long seed) {
        return Tensor.of(RandomFloats.gaussian(new Random(seed), shape.size()), shape.dims());
    }

    /** Gradients by name after one forward/backward of a fixed batch; frozen ones preset to UNTOUCHED. */
    private static Map<String, float[]> gradients(Model m, boolean inputGradient, float[][] inputGrad) {
        m.zeroGrad();
        m.namedGradients().forEach((name, g) -> { if (m.isFrozen(name)) g.fill(UNTOUCHED); });
        try (Tensor x = batch(m.sampleInput().prependBatch(4), 1)) {
            Tensor y = m.forward(x);
            try (Tensor dy = batch(y.shape(), 2)) {
                Tensor dx = m.backward(dy, inputGradient);
                if (inputGradient) inputGrad[0] = dx.toArray();
                else assertEquals(null, dx);
            }
        }
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        m.namedGradients().forEach((name, g) -> out.put(name, g.toArray()));
        return out;
    }

    private static void frozenSkipTheirGradients(Supplier<Model> model, List<String> prefixes, boolean inputGradient) {
        float[][] plainDx = new float[1][], frozenDx = new float[1][];
        try (Model plain = model.get(); Model frozen = model.get()) {
            for (String p : prefixes) assertFalse(frozen.freeze(p).isEmpty());
            Map<String, float[]> want = gradients(plain, inputGradient, plainDx), got = gradients(frozen, inputGradient, frozenDx);
            int frozenCount = 0;
            for (String name : want.keySet()) {
                boolean isFrozen = prefixes.stream().anyMatch(name::startsWith);
                assertEquals(isFrozen, frozen.isFrozen(name), name);
                if (isFrozen) {
                    frozenCount++;
                    for (float v : got.get(name)) assertEquals(UNTOUCHED, v, name + " was written");
                } else {
                    assertArrayEquals(want.get(name), got.get(name), name);
                }
            }
            assertTrue(frozenCount > 0 && frozenCount < want.size(), frozenCount + " of " + want.size() + " frozen");
            if (inputGradient) assertArrayEquals(plainDx[0], frozenDx[0], "input gradient");
        }
    }

    @Test void resnetWithItsFirstStagesFrozen() {
        frozenSkipTheirGradients(FreezingTest::resnet, FROZEN, false);
    }

    @Test void theInputGradientIsStillThereWhenAskedFor() {
        frozenSkipTheirGradients(FreezingTest::resnet, FROZEN, true);
    }

    /** Only a BatchNorm's scale and a convolution's weight in the middle: partial layers keep their other gradients. */
    @Test void singleTensorsInTheMiddle() {
        frozenSkipTheirGradients(FreezingTest::resnet, List.of("layer2.0.bn1.weight", "layer2.1.conv2.weight", "fc.bias"), false);
    }

    @Test void aChainWithItsFirstLayersFrozen() {
        Supplier<Model> chain = () -> new Sequential(SAMPLE, 5, List.of(new Conv2d(3, 6, 3).padding(1), new BatchNorm2d(6), new ReLU(),
                new MaxPool2d(2), new Conv2d(6, 8, 3), new ReLU(), new Flatten(), new Linear(8 * 2 * 2, 4)));
        frozenSkipTheirGradients(chain, List.of("0.", "1."), false);
        frozenSkipTheirGradients(chain, List.of("0.", "1."), true);
        frozenSkipTheirGradients(chain, List.of("0.", "1.", "4.weight"), false);
    }

    @Test void optimisersLeaveFrozenParametersAloneAndUnfreezingRestoresTraining() {
        try (Graph m = resnet()) {
            m.freeze("layer1.");
            try (Sgd sgd = new SgdConfig().learningRate(0.1).momentum(0.9).weightDecay(0.01).create(m)) {
                Map<String, float[]> before = new java.util.LinkedHashMap<>();
                m.namedParameters().forEach((n, p) -> before.put(n, p.toArray()));
                gradients(m, false, null);
                sgd.step();
                m.namedParameters().forEach((n, p) -> assertEquals(n.startsWith("layer1."), java.util.Arrays.equals(before.get(n), p.toArray()), n));
            }
            assertEquals(m.unfreeze("layer1.").size(), m.namedParameters().keySet().stream().filter(n -> n.startsWith("layer1.")).count());
            m.namedGradients().forEach((n, g) -> assertFalse(m.isFrozen(n), n));
        }
        try (Graph plain = resnet(); Graph thawed = resnet()) {
            thawed.freeze("layer1.");
            thawed.unfreeze("layer1.");
            Map<String, float[]> want = gradients(plain, false, null), got = gradients(thawed, false, null);
            want.forEach((n, g) -> assertArrayEquals(g, got.get(n), n));
        }
    }

    @Test void aPrefixMatchingNothingIsNamed() {
        try (Graph m = resnet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.freeze("layer9."));
            assertTrue(e.getMessage().contains("'layer9.' matches no parameter of the model") && e.getMessage().contains("conv1.weight"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.freeze(""));
        }
    }
}

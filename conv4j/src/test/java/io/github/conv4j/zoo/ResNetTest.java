package io.github.conv4j.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.ModelSummary;
import io.github.conv4j.nn.ReceptiveField;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.GradientChecker;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** torchvision's parameter counts, and ResNet-18's well-known receptive field of 435 pixels, from the summary alone. */
class ResNetTest {
    @Test void resnet18MatchesTorchvision() {
        ModelSummary s = ResNet.resnet18(1000).summary();
        assertEquals(11_689_512L, s.parameters());
        ModelSummary.Row last = s.rows().get(s.rows().size() - 1);
        assertEquals(Shape.of(1000), last.output());
        ModelSummary.Row layer4 = s.rows().stream().filter(r -> r.name().equals("layer4.1.relu")).findFirst().orElseThrow();
        assertEquals(Shape.of(512, 7, 7), layer4.output());
        assertEquals(new ReceptiveField(435, 435, 32, 32, 7, 7), layer4.receptiveField());
    }

    @Test void resnet18TrainsAStep() {
        try (Graph net = ResNet.resnet18(10).build(1); Tensor x = Tensor.of(GradientChecker.uniform(2 * 3 * 224 * 224, new SplittableRandom(1)), 2, 3, 224, 224);
             Tensor dy = Tensor.of(GradientChecker.uniform(20, new SplittableRandom(2)), 2, 10)) {
            net.zeroGrad();
            assertTrue(finite(net.forward(x)));
            assertTrue(finite(net.backward(dy, true)));
            assertTrue(net.gradientsFinite());
            assertNull(net.firstNonFinite());
        }
    }

    @Test void resnet50MatchesTorchvision() {
        assertEquals(25_557_032L, ResNet.resnet50(1000).summary().parameters());
        assertEquals(21_797_672L, ResNet.resnet34(1000).summary().parameters());
    }

    private static boolean finite(Tensor t) {
        for (float v : t.toArray()) if (!Float.isFinite(v)) return false;
        return true;
    }
}

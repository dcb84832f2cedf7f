package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.testing.GradientChecker;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * MobileNetV2's inverted residual and squeeze-and-excitation: torchvision's tensor names, shapes,
 * and finite-difference gradients (their PyTorch cases need ReLU6 and Sigmoid, not in this library yet).
 */
class MobileBlocksTest {
    @Test void invertedResidualHasTorchvisionNames() {
        GraphBuilder b = new GraphBuilder(Shape.of(8, 6, 6));
        InvertedResidual block = new InvertedResidual(8, 8, 1, 6);
        Node y = block.addTo(b, "features.3", b.input());
        assertTrue(block.isResidual());
        assertEquals(Shape.of(8, 6, 6), y.sampleOutput());
        try (Graph g = b.build(y, 1)) {
            assertEquals(List.of("features.3.conv.0.0.weight", "features.3.conv.0.1.weight", "features.3.conv.0.1.bias",
                    "features.3.conv.1.0.weight", "features.3.conv.1.1.weight", "features.3.conv.1.1.bias", "features.3.conv.2.weight",
                    "features.3.conv.3.weight", "features.3.conv.3.bias"), List.copyOf(g.namedParameters().keySet()));
            assertEquals(List.of(48, 1, 3, 3), toList(g.namedParameters().get("features.3.conv.1.0.weight").shape()), "depthwise");
        }
        GraphBuilder c = new GraphBuilder(Shape.of(16, 6, 6));
        InvertedResidual first = new InvertedResidual(16, 24, 2, 1);
        Node z = first.addTo(c, "", c.input());
        assertFalse(first.isResidual());
        assertEquals(Shape.of(24, 3, 3), z.sampleOutput());
        try (Graph g = c.build(z, 1)) {   // expand ratio 1: no expansion, the indices shift down as torchvision's
            assertEquals(List.of("conv.0.0.weight", "conv.0.1.weight", "conv.0.1.bias", "conv.1.weight", "conv.2.weight", "conv.2.bias"),
                    List.copyOf(g.namedParameters().keySet()));
        }
    }

    private static List<Integer> toList(Shape s) { return java.util.Arrays.stream(s.dims()).boxed().toList(); }

    @Test void invertedResidualAndSqueezeExcitationMatchFiniteDifferences() {
        GraphBuilder b = new GraphBuilder(Shape.of(4, 5, 5));
        Node y = new InvertedResidual(4, 4, 1, 2).activation(new AvgPool2d(1)).addTo(b, "ir", b.input());   // a smooth activation: no kinks
        y = new SqueezeExcitation(4, 2, new AvgPool2d(1)).addTo(b, "se", y);
        try (Graph g = b.build(y, 3)) {
            new GradientChecker(1e-2, 2e-2, 25).check(g, Shape.of(3, 4, 5, 5), GradientChecker.uniform(300, new SplittableRandom(5)), 11);
        }
    }
}

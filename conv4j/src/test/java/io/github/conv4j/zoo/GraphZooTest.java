package io.github.conv4j.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Model;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The graph architectures of the zoo: parameter counts, names, adaptation to the data's channels and classes. */
class GraphZooTest {
    @Test void resnet20HasTheOptionBParameterCount() {
        // Option A (He et al.'s 0.27 M) has 269,722 parameters, counted by hand: stem 432 + 32,
        // stages 14,016 + 51,072 + 203,520, fc 650. The two 1×1 projection shortcuts of option B
        // (16→32 and 32→64, each with a BatchNorm) add 16·32 + 2·32 + 32·64 + 2·64 = 2,752.
        assertEquals(269_722 + 2_752, CifarResNet.resnet20(3, 10).summary(CifarResNet.INPUT).parameters());
        try (Model net = Zoo.create("resnet20", CifarResNet.INPUT, 10, 1)) {
            assertInstanceOf(Graph.class, net);
            assertEquals(272_474, net.parameterCount());
            assertTrue(net.namedParameters().containsKey("layer2.0.downsample.0.weight"));
            assertTrue(net.namedParameters().containsKey("layer3.2.conv2.weight"));
            assertEquals(Shape.of(10), net.sampleOutput());
        }
    }

    @Test void resnet20AdaptsToGreyImagesAndFewerClasses() {
        try (Model net = Zoo.create("resnet-20", Shape.of(1, 28, 28), 4, 1); Tensor x = Tensor.zeros(2, 1, 28, 28)) {
            assertEquals(Shape.of(2, 4), net.forward(x).shape());
            assertEquals(16 * 9, net.namedParameters().get("conv1.weight").size());
        }
    }

    @Test void mobileNetV2HasTorchvisionsParameterCount() {
        assertEquals(3_504_872, Zoo.summary("mobilenetv2", MobileNetV2.INPUT, 1000).parameters());
        assertEquals(Shape.of(1280), Zoo.summary("mobilenetv2", MobileNetV2.INPUT, 1000).rows().get(
                Zoo.summary("mobilenetv2", MobileNetV2.INPUT, 1000).rows().size() - 3).output());
    }

    @Test void resnet18IsInTheZooWithTorchvisionsParameterCount() {
        assertEquals(11_689_512, Zoo.summary("resnet-18", ResNet.INPUT, 1000).parameters());
        assertEquals(Shape.of(3, 224, 224), Zoo.naturalInput("resnet18"));
        assertEquals(1000, Zoo.naturalClasses("resnet18"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Zoo.summary("resnet18", Shape.of(1, 224, 224), 10));
        assertTrue(e.getMessage().contains("3-channel"), e.getMessage());
    }

    @Test void mobileNetV2NarrowOnCifarSizedImages() {
        try (Graph net = new MobileNetV2(3, 10, 0.25).build(CifarResNet.INPUT, 1); Tensor x = Tensor.zeros(2, 3, 32, 32)) {
            assertEquals(Shape.of(2, 10), net.forward(x).shape());
            assertEquals(8 * 3 * 9, net.namedParameters().get("features.0.0.weight").size());   // 32·0.25 → 8
            assertEquals(1280 * 10 + 10, net.namedParameters().get("classifier.1.weight").size() + net.namedParameters().get("classifier.1.bias").size());
        }
    }

    @Test void widthsRoundAsTorchvisionRoundsThem() {
        assertEquals(8, MobileNetV2.divisible(4));
        assertEquals(16, MobileNetV2.divisible(12));   // 12 + 4 → 16
        assertEquals(24, MobileNetV2.divisible(24 * 1.0));
        assertEquals(40, MobileNetV2.divisible(36));
    }

    @Test void badOptionsNameTheOptionAndValue() {
        assertEquals("MobileNetV2: width must be positive and finite, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new MobileNetV2(3, 10, 0)).getMessage());
        assertEquals("CifarResNet: depth must be 6n + 2 with n ≥ 1, got 21",
                assertThrows(IllegalArgumentException.class, () -> CifarResNet.ofDepth(21, 3, 10)).getMessage());
        assertEquals("model resnet20 is a graph, not a layer list: make it with Zoo.create",
                assertThrows(IllegalArgumentException.class, () -> Zoo.byName("resnet20")).getMessage());
    }
}

package io.github.conv4j.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Layer;
import io.github.conv4j.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Zoo architectures made for the data: first layer's channels, the flatten size that follows, one output per class. */
class ZooTest {
    private static long parameters(Zoo.Architecture a) {
        long n = 0;
        for (Layer l : a.layers()) for (Shape s : l.parameterShapes()) n += s.size();
        return n;
    }

    private static String spec(Zoo.Architecture a, int layer) { return a.layers().get(layer).spec(); }

    private static Layer last(Zoo.Architecture a) { return a.layers().get(a.layers().size() - 1); }

    @Test void designedInputsKeepTheirPublishedSizes() {
        assertEquals(61_100_840, parameters(Zoo.alexnet()));
        assertEquals(138_357_544, parameters(Zoo.vgg16()));
        assertEquals(Shape.of(1, 28, 28), Zoo.reference().input());
        assertTrue(Zoo.reference().layers().stream().anyMatch(l -> l.spec().contains("in=3136 ")), "fc(3136→256)");
    }

    @Test void referenceFollowsChannelsSizeAndClasses() {
        Zoo.Architecture a = Zoo.byName("reference", Shape.of(3, 32, 32), 7);
        assertEquals(Shape.of(3, 32, 32), a.input());
        assertTrue(spec(a, 0).contains("in=3 "), spec(a, 0));
        assertTrue(a.layers().stream().anyMatch(l -> l.spec().contains("in=4096 ")), "64·8·8 features after two poolings");
        assertEquals(Shape.of(1, 7), last(a).outputShape(Shape.of(1, 256)));
    }

    @Test void lenet5AlexnetAndVggTakeTheDataChannelsAndAnyClassCount() {
        for (String name : List.of("lenet5", "alexnet", "vgg16")) {
            Shape natural = Zoo.naturalInput(name), grey = Shape.of(1, natural.dim(1), natural.dim(2));
            Zoo.Architecture a = Zoo.byName(name, grey, 5);
            assertTrue(spec(a, 0).contains("in=1 "), name + ": " + spec(a, 0));
            assertTrue(last(a).spec().contains("out=5 "), name + ": " + last(a).spec());
        }
        assertTrue(Zoo.byName("lenet5", Shape.of(3, 32, 32), 10).layers().stream().anyMatch(l -> l.spec().contains("in=576 ")),
                "16·6·6 features from 32×32");
    }

    @Test void fashionCnnHasBatchNormAfterEachLayerItLearnsAndFollowsTheData() {
        Zoo.Architecture a = Zoo.fashionCnn();
        assertEquals(468_458, parameters(a), "4 convolutions (320 + 9,248 + 18,496 + 36,928), 5 batch norms (64 + 64 + 128 + 128 + 256), fc 401,536 + 1,290");
        assertEquals(5, a.layers().stream().filter(l -> l.spec().startsWith("BatchNorm")).count());
        assertEquals(3, a.layers().stream().filter(l -> l.spec().startsWith("Dropout")).count());
        Zoo.Architecture colour = Zoo.byName("fashion-cnn", Shape.of(3, 32, 32), 100);
        assertTrue(spec(colour, 0).contains("in=3 "), spec(colour, 0));
        assertTrue(colour.layers().stream().anyMatch(l -> l.spec().contains("in=4096 ")), "64·8·8 features after two poolings");
        assertTrue(last(colour).spec().contains("out=100 "), last(colour).spec());
    }

    @Test void inputsTooSmallOrMalformedAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Zoo.byName("alexnet", Shape.of(3, 16, 16), 10));
        assertTrue(e.getMessage().startsWith("model alexnet cannot take [3, 16, 16] input"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Zoo.byName("reference", Shape.of(28, 28), 10));
        assertThrows(IllegalArgumentException.class, () -> Zoo.byName("reference", Shape.of(1, 28, 28), 0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Zoo.byName("resnet", Shape.of(1, 28, 28), 10)).getMessage()
                .contains("known: reference, lenet5, alexnet, vgg16"));
    }
}

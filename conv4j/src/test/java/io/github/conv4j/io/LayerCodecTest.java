package io.github.conv4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.conv4j.nn.AdaptiveAvgPool2d;
import io.github.conv4j.nn.BatchNorm1d;
import io.github.conv4j.nn.ChannelShuffle;
import io.github.conv4j.nn.ChannelSlice;
import io.github.conv4j.nn.GELU;
import io.github.conv4j.nn.HardSigmoid;
import io.github.conv4j.nn.HardSwish;
import io.github.conv4j.nn.Identity;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.LeakyReLU;
import io.github.conv4j.nn.LogSoftmax;
import io.github.conv4j.nn.ReLU6;
import io.github.conv4j.nn.SiLU;
import io.github.conv4j.nn.Sigmoid;
import io.github.conv4j.nn.Softmax;
import io.github.conv4j.nn.Tanh;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every layer of the modern-CNN set reads back from its spec line as the same layer. */
class LayerCodecTest {
    private static final List<Layer> LAYERS = List.of(new LeakyReLU(), new LeakyReLU(0.2), new LeakyReLU(-1.5), new Sigmoid(),
            new Tanh(), new ReLU6(), new SiLU(), new GELU(), new GELU().tanhApproximation(), new GELU().tanhApproximation().exact(),
            new HardSigmoid(), new HardSwish(), new Identity(), new Softmax(), new LogSoftmax(), new AdaptiveAvgPool2d(1),
            new AdaptiveAvgPool2d(6, 3), new BatchNorm1d(5), new BatchNorm1d(128, 1e-3f, 0.3f), new ChannelShuffle(2),
            new ChannelShuffle(3), new ChannelSlice(0, 24), new ChannelSlice(5, 7));

    @TestFactory
    Stream<DynamicTest> specRoundTrips() {
        return LAYERS.stream().map(l -> DynamicTest.dynamicTest(l.spec(), () -> {
            Layer back = LayerCodec.parse(l.spec());
            assertEquals(l.getClass(), back.getClass());
            assertEquals(l.spec(), back.spec());
            assertEquals(l.describe(), back.describe());
        }));
    }

    @Test void badValuesAreRefused() {
        for (String bad : List.of("GELU approximate=fast", "GELU", "LeakyReLU slope=steep", "LeakyReLU slope=NaN",
                "AdaptiveAvgPool2d size=0,2", "AdaptiveAvgPool2d size=3", "BatchNorm1d features=4 eps=0 momentum=0.1",
                "BatchNorm1d features=4", "ChannelShuffle groups=0", "ChannelShuffle", "ChannelSlice start=3 end=2",
                "ChannelSlice start=0"))
            assertThrows(IllegalArgumentException.class, () -> LayerCodec.parse(bad), bad);
    }
}

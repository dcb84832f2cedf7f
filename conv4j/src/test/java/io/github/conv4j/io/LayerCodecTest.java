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

    /** conv4j's own layers are read through LayerSpec, as registered ones are: the same messages, naming the line and the key. */
    @Test void badValuesNameTheLineAndTheKey() {
        String conv = "Conv2d in=1 out=2 kernel=3,3 stride=1,1 padding=0,0 dilation=1,1 groups=1 bias=true mode=TRUNCATE";
        for (String[] c : new String[][] {
                {"Linear in=4 bias=true", "layer spec 'Linear in=4 bias=true' lacks out"},
                {"Linear in=four out=2 bias=true", "layer spec 'Linear in=four out=2 bias=true': in is not an integer"},
                {"Linear in=4 out=2 bias=yes", "layer spec 'Linear in=4 out=2 bias=yes': bias is not a boolean"},
                {"Linear in=4 out 2", "layer spec 'Linear in=4 out 2': 'out' is not key=value"},
                {"LeakyReLU slope=steep", "layer spec 'LeakyReLU slope=steep': slope is not a number"},
                {conv.replace("kernel=3,3", "kernel=3"), "layer spec '" + conv.replace("kernel=3,3", "kernel=3") + "': kernel is not two integers"},
                {conv.replace("TRUNCATE", "ROUND"), "layer spec '" + conv.replace("TRUNCATE", "ROUND") + "': unknown mode ROUND"},
                {"GELU approximate=fast", "layer spec 'GELU approximate=fast': approximate is not none or tanh"}})
            assertEquals(c[1], assertThrows(IllegalArgumentException.class, () -> LayerCodec.parse(c[0])).getMessage(), c[0]);
    }
}

package io.github.conv4j.property;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.function.Executable;

/**
 * A valid geometry from {@link ValidGeometries} with exactly one thing made wrong (a parameter
 * zero or negative, groups that do not divide the channels, an input of other channels, a window
 * wider than the padded input): building the layer, or a model of it, throws an
 * IllegalArgumentException whose message names the layer and the offending value.
 */
class InvalidGeometryPropertiesTest {

    /** One way of going wrong on a geometry, the layer its message must name and the values it must quote. */
    record Refusal(String kind, Object geometry, String layer, List<String> values, Executable attempt) {
        Refusal(String kind, Object geometry, String layer, Object value, Executable attempt) {
            this(kind, geometry, layer, List.of(String.valueOf(value)), attempt);
        }

        @Override public String toString() { return kind + " on " + geometry; }
    }

    /** Models the layer as a user would: the refusal must come through Sequential too (which prefixes "layer 0:"). */
    private static Executable model(Layer layer, Shape input) {
        return () -> new Sequential(input.dropBatch(), 1, List.of(layer)).close();
    }

    private static Refusal conv(ValidGeometries.Conv g, int kind, int bad) {
        ValidGeometries.Axis h = g.height(), w = g.width();
        int in = g.in(), out = g.out();
        String me = "Conv2d";
        return switch (kind) {
            case 0 -> new Refusal("in channels <= 0", g, me, bad, () -> new Conv2d(bad, out, h.kernel(), w.kernel()));
            case 1 -> new Refusal("out channels <= 0", g, me, bad, () -> new Conv2d(in, bad, h.kernel(), w.kernel()));
            case 2 -> new Refusal("kernel <= 0", g, me, bad, () -> new Conv2d(in, out, h.kernel(), bad));
            case 3 -> new Refusal("stride <= 0", g, me, bad, () -> g.layer().stride(bad, w.stride()));
            case 4 -> new Refusal("padding < 0", g, me, bad - 1, () -> g.layer().padding(h.padding(), bad - 1));
            case 5 -> new Refusal("dilation <= 0", g, me, bad, () -> g.layer().dilation(bad, w.dilation()));
            case 6 -> new Refusal("groups <= 0", g, me, bad, () -> g.layer().groups(bad));
            // No number of groups above the channel count divides it.
            case 7 -> new Refusal("groups not dividing the channels", g, me, in + 1 - bad, () -> g.layer().groups(in + 1 - bad));
            case 8 -> {
                int channels = in + 1 - bad;
                Shape other = Shape.of(g.batch(), channels, h.input(), w.input());
                yield new Refusal("input of other channels", g, me, List.of("" + in, "" + channels), model(g.layer(), other));
            }
            default -> {
                // A kernel one to three taps taller than the padded input.
                int padded = h.input() + 2 * h.padding(), tall = padded + 1 - bad;
                Conv2d layer = new Conv2d(in, out, tall, w.kernel()).stride(h.stride(), w.stride())
                        .padding(h.padding(), w.padding()).dilation(1, w.dilation()).groups(g.groups());
                yield new Refusal("window wider than the padded input", g, me, List.of("" + tall, "" + padded), model(layer, g.input()));
            }
        };
    }

    private static Refusal pool(ValidGeometries.Pool g, int kind, int bad) {
        // The window's own checks name the layer type too.
        String window = "MaxPool2d";
        return switch (kind) {
            case 0 -> new Refusal("kernel <= 0", g, window, bad, () -> new MaxPool2d(bad));
            case 1 -> new Refusal("stride <= 0", g, window, bad, () -> g.layer().stride(bad));
            case 2 -> new Refusal("padding < 0", g, window, bad - 1, () -> g.layer().padding(bad - 1));
            case 3 -> new Refusal("dilation <= 0", g, window, bad, () -> g.layer().dilation(bad));
            case 4 -> {
                int wide = g.kernel() / 2 + 1 - bad;
                yield new Refusal("padding over half the kernel", g, window, wide + "×" + wide, () -> g.layer().padding(wide));
            }
            default -> {
                // Enlarge the window past the padded input, keeping the padding within half of it.
                int padded = g.inputHeight() + 2 * g.padding(), wide = Math.max(padded, g.inputWidth() + 2 * g.padding()) + 1 - bad;
                MaxPool2d layer = new MaxPool2d(wide).stride(g.stride()).padding(g.padding());
                yield new Refusal("window wider than the padded input", g, "MaxPool2d", List.of("" + wide, "" + padded), model(layer, g.input()));
            }
        };
    }

    /** The badness: 0, −1 or −2 (offset where a case needs another range). */
    private static Arbitrary<Integer> bad() { return Arbitraries.integers().between(-2, 0); }

    @Provide Arbitrary<Refusal> convRefusals() {
        return Combinators.combine(ValidGeometries.convolutions(), Arbitraries.integers().between(0, 9).withoutEdgeCases(), bad()).as(InvalidGeometryPropertiesTest::conv);
    }

    @Provide Arbitrary<Refusal> poolRefusals() {
        return Combinators.combine(ValidGeometries.poolings(), Arbitraries.integers().between(0, 5).withoutEdgeCases(), bad()).as(InvalidGeometryPropertiesTest::pool);
    }

    /** The value as a whole number, not part of a longer one ("-1" must not match inside "-12", "2" not inside "12"). */
    private static boolean quotes(String message, String value) {
        return Pattern.compile("(?<![\\d-])" + Pattern.quote(value) + "(?!\\d)").matcher(message).find();
    }

    private static void refusedClearly(Refusal r, int kinds) {
        Statistics.label("kind").collect(r.kind());
        Statistics.label("kind").coverage(c -> c.check(r.kind()).percentage(p -> p >= 100.0 / kinds / 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r.attempt(), r.kind());
        String m = String.valueOf(e.getMessage());
        assertTrue(m.contains(r.layer()), r.kind() + ": message does not name " + r.layer() + ": " + m);
        for (String v : r.values())
            assertTrue(quotes(m, v), r.kind() + ": message does not quote the offending value " + v + ": " + m);
    }

    @Property
    void conv2dRefusesEachInvalidGeometryNamingIt(@ForAll("convRefusals") Refusal r) {
        refusedClearly(r, 10);
    }

    @Property
    void maxPoolRefusesEachInvalidGeometryNamingIt(@ForAll("poolRefusals") Refusal r) {
        refusedClearly(r, 6);
    }
}

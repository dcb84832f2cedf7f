package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.nn.KernelChooser.Choice;
import io.github.conv4j.nn.KernelChooser.Mode;
import io.github.conv4j.nn.KernelChooser.Path;
import io.github.conv4j.nn.KernelChooser.Product;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The choosing policy on a fake clock: every trial advances it by the cost it is given, no real time is measured. */
class KernelChooserTest {
    /** A clock that only moves when a trial runs, by that product's and path's cost. */
    private static final class FakeWork {
        long now;
        int runs;
        final Map<Product, long[]> cost = new EnumMap<>(Product.class);   // {fast, portable}

        FakeWork cost(Product p, long fast, long portable) {
            cost.put(p, new long[] {fast, portable});
            return this;
        }

        KernelChooser.Trial trial() {
            return (p, path) -> {
                runs++;
                now += cost.get(p)[path.ordinal()];
            };
        }
    }

    private static final KernelChooser.Trial NEVER = (p, path) -> { throw new AssertionError("timed " + p + " on " + path); };

    @Test void picksTheFasterPathPerProductAndTiesGoToFast() {
        FakeWork work = new FakeWork().cost(Product.FORWARD, 5, 10).cost(Product.WEIGHT_GRADIENT, 10, 4)
                .cost(Product.INPUT_GRADIENT, 7, 7);
        KernelChooser chooser = new KernelChooser(Mode.AUTO, () -> work.now, 3);
        Choice c = chooser.choose("conv1", true, work::trial);
        assertEquals(Path.FAST, c.forward());
        assertEquals(Path.PORTABLE, c.weightGradient());
        assertEquals(Path.FAST, c.inputGradient(), "a tie goes to the fast path");
        assertEquals("fast/portable/fast", c.describe());
        assertArrayEquals(new long[] {5, 10, 7}, c.fastNanos());
        assertArrayEquals(new long[] {10, 4, 7}, c.portableNanos());
        assertTrue(c.timed());
        assertEquals(3 * 2 * (1 + 3), work.runs, "per product and path: one warm-up, then the repeats");
    }

    @Test void keepsTheBestRunOfEachPath() {
        // The fast path's first timed run is slow (a hiccup); its best run still wins.
        long[] fastCosts = {0, 50, 3};   // warm-up, then two timed runs
        int[] fastRun = {0};
        long[] now = {0};
        KernelChooser.Trial trial = (p, path) -> now[0] += path == Path.FAST ? fastCosts[fastRun[0]++ % 3] : 4;
        Choice c = new KernelChooser(Mode.AUTO, () -> now[0], 2).choose("k", true, () -> trial);
        assertEquals(Path.FAST, c.forward());
        assertEquals(3, c.fastNanos()[0]);
    }

    @Test void cachesTheChoicePerKeyWithoutTimingAgain() {
        FakeWork work = new FakeWork().cost(Product.FORWARD, 1, 2).cost(Product.WEIGHT_GRADIENT, 2, 1)
                .cost(Product.INPUT_GRADIENT, 2, 1);
        KernelChooser chooser = new KernelChooser(Mode.AUTO, () -> work.now, 1);
        Choice first = chooser.choose(new ConvKey(1), true, work::trial);
        int runs = work.runs;
        assertSame(first, chooser.choose(new ConvKey(1), true, () -> NEVER), "an equal key is answered from the cache");
        work.cost(Product.FORWARD, 9, 2);
        Choice other = chooser.choose(new ConvKey(2), true, work::trial);
        assertTrue(work.runs > runs, "another key is timed");
        assertEquals(Path.PORTABLE, other.forward());
        assertEquals(Map.of(new ConvKey(1), first, new ConvKey(2), other), chooser.choices());
    }

    private record ConvKey(int id) {}

    @Test void forcedModesIgnoreTimings() {
        Choice fast = new KernelChooser(Mode.FAST, () -> { throw new AssertionError("read the clock"); }, 1).choose("k", true, () -> NEVER);
        assertEquals("fast/fast/fast", fast.describe());
        assertFalse(fast.timed());
        KernelChooser portable = new KernelChooser(Mode.PORTABLE, () -> { throw new AssertionError("read the clock"); }, 1);
        assertEquals("portable/portable/portable", portable.choose("k", true, () -> NEVER).describe());
        assertTrue(portable.choices().isEmpty());
    }

    @Test void portableWhereTheFastPathCannotRunWhateverTheMode() {
        for (Mode m : Mode.values())
            assertEquals("portable/portable/portable", new KernelChooser(m, () -> 0, 1).choose("k", false, () -> NEVER).describe());
    }

    @Test void closesTheTrialsItWasGiven() {
        FakeWork work = new FakeWork().cost(Product.FORWARD, 1, 2).cost(Product.WEIGHT_GRADIENT, 1, 2)
                .cost(Product.INPUT_GRADIENT, 1, 2);
        boolean[] closed = {false};
        final class Closing implements KernelChooser.Trial, AutoCloseable {
            @Override public void run(Product p, Path path) { work.trial().run(p, path); }
            @Override public void close() { closed[0] = true; }
        }
        new KernelChooser(Mode.AUTO, () -> work.now, 1).choose("k", true, Closing::new);
        assertTrue(closed[0]);
    }

    @Test void theModePropertyRejectsUnknownValues() {
        Conv4jNative.load();   // its loading reads the property too: load it before spoiling it
        String before = System.getProperty("conv4j.kernels");
        try {
            System.setProperty("conv4j.kernels", "fastest");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Conv4jNative::kernelsMode);
            assertTrue(e.getMessage().contains("'auto', 'fast' or 'portable'"), e.getMessage());
            System.clearProperty("conv4j.kernels");
            assertEquals("auto", Conv4jNative.kernelsMode(), "auto is the default");
            assertEquals(Mode.AUTO, Mode.of(Conv4jNative.kernelsMode()));
        } finally {
            if (before == null) System.clearProperty("conv4j.kernels");
            else System.setProperty("conv4j.kernels", before);
        }
    }

    @Test void rejectsNoRepeats() {
        assertThrows(IllegalArgumentException.class, () -> new KernelChooser(Mode.AUTO, () -> 0, 0));
    }
}

package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Conv4jNative.ConvGeom;
import io.github.conv4j.binding.Status;
import io.github.conv4j.nn.KernelChooser.Choice;
import io.github.conv4j.nn.KernelChooser.Mode;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Convolutions whose products take different paths (as auto may choose them) compute what the
 * all-portable path does, forward and every gradient, the backward's two gradients mixed too.
 * The choices are forced through a scripted clock, so no real timing decides anything here.
 */
class MixedPathsTest {
    @AfterEach void restoreTheChooser() { KernelChooser.useMode(Mode.of(Conv4jNative.kernelsMode())); }

    /**
     * A clock that makes the chooser pick {@code paths} ("fwd/dW/dX"): with one timed run per path,
     * it reads the clock four times per product (fast start, end, portable start, end), and the
     * wanted path's run takes 1 ns, the other's 2 ns.
     */
    private static LongSupplier scripted(String paths) {
        String[] want = paths.split("/");
        int[] reads = {0};
        return () -> {
            int r = reads[0]++, product = r / 4 % 3, at = r % 4;
            boolean fastWins = want[product].equals("fast");
            return switch (at) {
                case 1 -> fastWins ? 1 : 2;
                case 3 -> fastWins ? 2 : 1;
                default -> 0;
            };
        };
    }

    @ParameterizedTest(name = "{0} on N{1} C{2} {3}x{4} K{5} k{6} stride {7} pad {8}")
    @CsvSource({
            "fast/portable/portable, 4, 32, 14, 14, 64, 5, 1, 2",
            "portable/fast/fast,     4, 32, 14, 14, 64, 5, 1, 2",
            "fast/fast/portable,     3, 16, 12, 12, 24, 3, 1, 1",   // flipped fast input gradient left out
            "fast/portable/fast,     3, 16, 12, 12, 24, 3, 1, 1",
            "portable/portable/fast, 2, 64, 13, 13, 96, 3, 2, 0",   // strided: the lowered fast input gradient
            "fast/fast/portable,     3, 1, 28, 28, 32, 5, 1, 2"})
    void mixedPathsMatchAllPortable(String paths, int n, int c, int h, int w, int k, int kernel, int stride, int pad) {
        assumeTrue(Conv4jNative.fastKernels() == 1, "the fast kernels need x86-64 with AVX2/FMA");
        KernelChooser mixedChooser = new KernelChooser(Mode.AUTO, scripted(paths), 1);
        KernelChooser.use(mixedChooser);
        float[][] mixed = FastKernelsAgreementTest.run(n, c, h, w, k, kernel, stride, pad, 1, 1);
        assertEquals(1, mixedChooser.choices().size());
        Choice chosen = mixedChooser.choices().values().iterator().next();
        assertEquals(paths, chosen.describe());
        KernelChooser.useMode(Mode.PORTABLE);
        float[][] portable = FastKernelsAgreementTest.run(n, c, h, w, k, kernel, stride, pad, 1, 1);
        FastKernelsAgreementTest.assertAgree(mixed, portable, n, c, h, w, kernel);
    }

    /**
     * Every mix of paths on each convolution of ResNet-20 (3×32×32, no biases), as it trains: a
     * batch of 32 (two workers' chunks of 16, where there are two cores), and a backward with and
     * without the input gradient (the first layer's is never asked for).
     */
    @ParameterizedTest(name = "C{0} {1}x{1} K{2} k{3} stride {4} pad {5}, input gradient {6}")
    @CsvSource({
            "3, 32, 16, 3, 1, 1, false",    // conv1
            "16, 32, 16, 3, 1, 1, true",    // layer1
            "16, 32, 32, 3, 2, 1, true",    // layer2.0.conv1
            "32, 16, 32, 3, 1, 1, true",    // layer2
            "16, 32, 32, 1, 2, 0, true",    // layer2.0.downsample
            "32, 16, 64, 3, 2, 1, true",    // layer3.0.conv1
            "64, 8, 64, 3, 1, 1, true",     // layer3
            "32, 16, 64, 1, 2, 0, true",    // layer3.0.downsample
            "64, 8, 64, 3, 1, 1, false"})
    void everyMixOnResNet20sConvolutions(int c, int side, int k, int kernel, int stride, int pad, boolean inputGradient) {
        assumeTrue(Conv4jNative.fastKernels() == 1, "the fast kernels need x86-64 with AVX2/FMA");
        int n = 32;
        KernelChooser.useMode(Mode.PORTABLE);
        float[][] portable = FastKernelsAgreementTest.run(n, c, side, side, k, kernel, stride, pad, 1, 1, false, inputGradient);
        for (int mix = 0; mix < 8; mix++) {
            String paths = path(mix, 4) + "/" + path(mix, 2) + "/" + path(mix, 1);
            KernelChooser mixedChooser = new KernelChooser(Mode.AUTO, scripted(paths), 1);
            KernelChooser.use(mixedChooser);
            float[][] mixed = FastKernelsAgreementTest.run(n, c, side, side, k, kernel, stride, pad, 1, 1, false, inputGradient);
            assertEquals(paths, mixedChooser.choices().values().iterator().next().describe());
            FastKernelsAgreementTest.assertAgree(mixed, portable, n, c, side, side, kernel);
        }
    }

    private static String path(int mix, int bit) { return (mix & bit) != 0 ? "portable" : "fast"; }

    @Test void theNativeSideRefusesUnknownPaths() {
        try (ConvGeom g = new ConvGeom()) {
            g.n(1).c(1).h(3).w(3).k(1).r(3).s(3).stride_h(1).stride_w(1).dil_h(1).dil_w(1).groups(1).out_h(1).out_w(1).chunk(1);
            for (int bad : new int[] {-1, 3}) {
                g.path_fwd(0).path_dw(0).path_dx(0);
                g.path_dw(bad);
                assertEquals(Status.BAD_ARGUMENT, Conv4jNative.conv2dForward(g, 0, 1, null, null, null, null, null, 0));
                assertEquals(Status.BAD_ARGUMENT, Conv4jNative.conv2dBackward(g, 0, 1, null, null, null, null, null, null, null, 0));
                assertEquals(0, Conv4jNative.conv2dWorkspace(g));
            }
        }
    }
}

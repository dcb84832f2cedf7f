package io.github.conv4j.property;

import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.testing.Reference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Convolution and pooling geometries that are valid by construction: each axis picks its window
 * (kernel, dilation, stride, padding) and the number of outputs first, then the input size that
 * gives that many, plus up to stride − 1 rows the windows do not reach. Drawing every parameter
 * independently instead makes about 99 % of the draws invalid, and the property then checks
 * almost no convolutions. Sizes stay small (inputs under 40), so a try costs microseconds and no
 * geometry comes near the 2^31-1 extent limits.
 */
final class ValidGeometries {
    private ValidGeometries() {}

    /** One spatial axis of a sliding window over an input it fits. */
    record Axis(int input, int kernel, int stride, int padding, int dilation) {
        int extent() { return dilation * (kernel - 1) + 1; }

        /** The truncating rule {@code (n + 2p − d)/s + 1}, written out here independently of the library. */
        int output() { return (input + 2 * padding - extent()) / stride + 1; }

        /** Input rows the last window does not reach (the library ignores them). */
        boolean leavesRowsUncovered() { return (input + 2 * padding - extent()) % stride != 0; }
    }

    /**
     * The input size that gives {@code outputs} windows with {@code slack} (taken modulo the stride)
     * uncovered rows; at least 1, which for a window wider than the input only adds padding-only outputs.
     */
    private static int inputFor(int outputs, int extent, int stride, int padding, int slack) {
        return Math.max(1, (outputs - 1) * stride + extent - 2 * padding + slack % stride);
    }

    private static Arbitrary<Integer> outputs() { return Arbitraries.integers().between(1, 6); }
    private static Arbitrary<Integer> slack() { return Arbitraries.integers().between(0, 3); }

    /** A convolution axis: any padding, dilation and stride (PyTorch allows padding wider than the kernel). */
    static Arbitrary<Axis> convAxis() {
        return Combinators.combine(Arbitraries.integers().between(1, 5), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 4), Arbitraries.integers().between(0, 3), outputs(), slack())
                .as((kernel, dilation, stride, padding, outputs, slack) -> new Axis(
                        inputFor(outputs, dilation * (kernel - 1) + 1, stride, padding, slack), kernel, stride, padding, dilation));
    }

    /** A convolution with groups, batch and bias, and its double-precision reference geometry. */
    record Conv(int batch, int groups, int inPerGroup, int outPerGroup, Axis height, Axis width, boolean bias) {
        int in() { return groups * inPerGroup; }
        int out() { return groups * outPerGroup; }
        Shape input() { return Shape.of(batch, in(), height.input(), width.input()); }
        Shape expectedOutput() { return Shape.of(batch, out(), height.output(), width.output()); }

        Conv2d layer() {
            return new Conv2d(in(), out(), height.kernel(), width.kernel()).stride(height.stride(), width.stride())
                    .padding(height.padding(), width.padding()).dilation(height.dilation(), width.dilation()).groups(groups).bias(bias);
        }

        Reference.Conv reference() {
            return new Reference.Conv(batch, in(), height.input(), width.input(), out(), height.kernel(), width.kernel(),
                    height.stride(), width.stride(), height.padding(), width.padding(), height.dilation(), width.dilation(), groups);
        }
    }

    static Arbitrary<Conv> convolutions() {
        Arbitrary<Integer> small = Arbitraries.integers().between(1, 3);
        return Combinators.combine(small, small, small, small, convAxis(), convAxis(), Arbitraries.of(true, false)).as(Conv::new);
    }

    /**
     * Max pooling as {@link Reference#maxPool} models it: a square window, one stride and padding
     * for both axes, padding at most half the kernel (as PyTorch requires, so no window lies wholly in padding).
     */
    record Pool(int batch, int channels, int inputHeight, int inputWidth, int kernel, int stride, int padding) {
        Axis height() { return new Axis(inputHeight, kernel, stride, padding, 1); }
        Axis width() { return new Axis(inputWidth, kernel, stride, padding, 1); }
        Shape input() { return Shape.of(batch, channels, inputHeight, inputWidth); }
        Shape expectedOutput() { return Shape.of(batch, channels, height().output(), width().output()); }
        MaxPool2d layer() { return new MaxPool2d(kernel).stride(stride).padding(padding); }
    }

    static Arbitrary<Pool> poolings() {
        Arbitrary<Integer> small = Arbitraries.integers().between(1, 3);
        // One draw for both axes' slack (Combinators take at most eight arbitraries): low bits height, high bits width.
        return Combinators.combine(small, small, Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 4),
                        Arbitraries.integers().between(0, 2), outputs(), outputs(), Arbitraries.integers().between(0, 15))
                .as((batch, channels, kernel, stride, padChoice, outH, outW, slack) -> {
                    int padding = padChoice % (kernel / 2 + 1);
                    return new Pool(batch, channels, inputFor(outH, kernel, stride, padding, slack % 4),
                            inputFor(outW, kernel, stride, padding, slack / 4), kernel, stride, padding);
                });
    }
}

package io.github.conv4j.nn;

import static io.github.conv4j.testing.GradientChecker.awayFromZero;
import static io.github.conv4j.testing.GradientChecker.distinct;
import static io.github.conv4j.testing.GradientChecker.uniform;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.testing.GradientChecker;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Finite-difference checks of every layer's input and parameter gradients, on random shapes. */
class GradientCheckTest {
    private final GradientChecker checker = new GradientChecker();

    @TestFactory
    Stream<DynamicTest> conv2dOnRandomGeometries() {
        return IntStream.range(0, 16).mapToObj(trial -> DynamicTest.dynamicTest("conv2d random #" + trial, () -> {
            SplittableRandom rng = new SplittableRandom(1000 + trial);
            int groups = 1 + rng.nextInt(3);
            int cin = groups * (1 + rng.nextInt(2)), cout = groups * (1 + rng.nextInt(3));
            int kh = 1 + rng.nextInt(4), kw = 1 + rng.nextInt(4);
            int sh = 1 + rng.nextInt(3), sw = 1 + rng.nextInt(3);
            int dh = 1 + rng.nextInt(2), dw = 1 + rng.nextInt(2);
            int ph = rng.nextInt(3), pw = rng.nextInt(3);
            int h = dh * (kh - 1) + 1 + rng.nextInt(6), w = dw * (kw - 1) + 1 + rng.nextInt(6);
            int n = 1 + rng.nextInt(3);
            Conv2d conv = new Conv2d(cin, cout, kh, kw).stride(sh, sw).padding(ph, pw).dilation(dh, dw).groups(groups)
                    .bias(rng.nextBoolean());
            Shape in = Shape.of(n, cin, h, w);
            checker.check(conv, in, uniform((int) in.size(), rng), trial);
        }));
    }

    @Test void conv2dPointwiseSkipsIm2col() {
        Shape in = Shape.of(2, 3, 5, 4);
        checker.check(new Conv2d(3, 4, 1), in, uniform((int) in.size(), new SplittableRandom(1)), 1);
    }

    @Test void conv2dOneImagePerChunkOnALargePlane() {
        Shape in = Shape.of(2, 1, 70, 70);   // 68×68 outputs > TARGET_COLUMNS: one image per GEMM
        checker.check(new Conv2d(1, 2, 3), in, uniform((int) in.size(), new SplittableRandom(2)), 2);
    }

    @Test void conv2dSamePadding() {
        Shape in = Shape.of(2, 2, 7, 6);
        checker.check(new Conv2d(2, 3, 4).stride(2).mode(PaddingMode.SAME), in, uniform((int) in.size(), new SplittableRandom(3)), 3);
    }

    @Test void maxPool() {
        Shape in = Shape.of(2, 3, 9, 8);
        checker.check(new MaxPool2d(3).stride(2).padding(1), in, distinct((int) in.size(), 0.05, new SplittableRandom(4)), 4);
    }

    @Test void maxPoolCeilModeDilated() {
        Shape in = Shape.of(1, 2, 10, 11);
        checker.check(new MaxPool2d(2).dilation(2).ceilMode(true), in, distinct((int) in.size(), 0.05, new SplittableRandom(5)), 5);
    }

    @Test void avgPoolBothPaddingCounts() {
        Shape in = Shape.of(2, 2, 7, 7);
        for (boolean include : new boolean[] {true, false})
            checker.check(new AvgPool2d(3).stride(2).padding(1).ceilMode(true).countIncludePad(include), in,
                    uniform((int) in.size(), new SplittableRandom(6)), 6);
    }

    @Test void globalAvgPool() {
        Shape in = Shape.of(2, 3, 4, 5);
        checker.check(new GlobalAvgPool2d(), in, uniform((int) in.size(), new SplittableRandom(7)), 7);
    }

    @Test void relu() {
        Shape in = Shape.of(3, 2, 4, 4);
        checker.check(new ReLU(), in, awayFromZero((int) in.size(), 0.05, new SplittableRandom(8)), 8);
    }

    @Test void linear() {
        Shape in = Shape.of(4, 7);
        checker.check(new Linear(7, 5), in, uniform((int) in.size(), new SplittableRandom(9)), 9);
    }

    @Test void batchNormTraining() {
        Shape in = Shape.of(4, 3, 3, 3);
        checker.check(new BatchNorm2d(3), in, uniform((int) in.size(), new SplittableRandom(10)), 10);
    }

    @Test void flatten() {
        Shape in = Shape.of(2, 3, 2, 2);
        checker.check(new Flatten(), in, uniform((int) in.size(), new SplittableRandom(11)), 11);
    }
}

package io.github.conv4j.nn;

import static io.github.conv4j.testing.GradientChecker.awayFromZero;
import static io.github.conv4j.testing.GradientChecker.distinct;
import static io.github.conv4j.testing.GradientChecker.uniform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.GradientChecker;
import java.util.List;
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

    @Test void conv2dOneChannelDirectInputGradient() {
        // conv_direct_kernel.h's input gradient (one channel, stride 1): a 7-row kernel (a 5-tap
        // block and a rest of 2), a vertically dilated one (single-tap blocks), SAME padding
        Shape in = Shape.of(2, 1, 11, 19);
        checker.check(new Conv2d(1, 5, 7, 3).padding(3, 1), in, uniform((int) in.size(), new SplittableRandom(6)), 6);
        checker.check(new Conv2d(1, 3, 3).dilation(2, 1).padding(1), in, uniform((int) in.size(), new SplittableRandom(7)), 7);
        checker.check(new Conv2d(1, 4, 4).mode(PaddingMode.SAME), in, uniform((int) in.size(), new SplittableRandom(8)), 8);
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

    /**
     * Uniform values in (−range, range), each at least {@code margin} from every kink (the checker's
     * central differences straddle a kink otherwise).
     */
    private static float[] awayFrom(int n, double range, double margin, SplittableRandom rng, double... kinks) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double x;
            boolean near;
            do {
                x = (rng.nextDouble() * 2 - 1) * range;
                near = false;
                for (double k : kinks) near |= Math.abs(x - k) < margin;
            } while (near);
            v[i] = (float) x;
        }
        return v;
    }

    @TestFactory
    Stream<DynamicTest> pointwiseActivations() {
        // inputs over ±7 reach every piece of relu6, hardsigmoid and hardswish; kinks kept 0.05 away
        record Case(Layer layer, double... kinks) {}
        List<Case> cases = List.of(new Case(new LeakyReLU(), 0), new Case(new LeakyReLU(-0.3), 0), new Case(new Sigmoid()),
                new Case(new Tanh()), new Case(new ReLU6(), 0, 6), new Case(new SiLU()), new Case(new GELU()),
                new Case(new GELU().tanhApproximation()), new Case(new HardSigmoid(), -3, 3), new Case(new HardSwish(), -3, 3),
                new Case(new Identity()));
        Shape in = Shape.of(3, 2, 4, 5);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.layer().describe(), () -> checker.check(c.layer(), in,
                awayFrom((int) in.size(), 7, 0.05, new SplittableRandom(12), c.kinks()), 12)));
    }

    @Test void softmaxAndLogSoftmax() {
        Shape in = Shape.of(4, 7);
        checker.check(new Softmax(), in, awayFrom((int) in.size(), 3, 0, new SplittableRandom(13)), 13);
        checker.check(new LogSoftmax(), in, awayFrom((int) in.size(), 3, 0, new SplittableRandom(14)), 14);
    }

    @Test void adaptiveAvgPoolUnevenOverlappingAndUpsampling() {
        Shape in = Shape.of(2, 2, 7, 5);
        checker.check(new AdaptiveAvgPool2d(3, 2), in, uniform((int) in.size(), new SplittableRandom(15)), 15);
        Shape small = Shape.of(1, 3, 3, 2);
        checker.check(new AdaptiveAvgPool2d(5, 4), small, uniform((int) small.size(), new SplittableRandom(16)), 16);
    }

    /** In evaluation the running statistics are constants: the gradients of that (affine) map. */
    @Test void batchNormEvaluation() {
        for (Layer bn : List.of(new BatchNorm2d(3), new BatchNorm1d(3))) {
            Shape in = bn instanceof BatchNorm1d ? Shape.of(5, 3) : Shape.of(2, 3, 2, 3);
            SplittableRandom rng = new SplittableRandom(19);
            try (Sequential model = new Sequential(in.dropBatch(), 19, List.of(bn));
                 Tensor x = Tensor.of(uniform((int) in.size(), rng), in.dims());
                 Tensor dy = Tensor.of(uniform((int) in.size(), rng), in.dims())) {
                float[] mean = {0.5f, -0.25f, 0.1f}, var = {2f, 0.5f, 1.5f}, gamma = {1.5f, -0.5f, 0.75f};
                model.state().copyFrom(mean, 0, 0, 3);
                model.state().copyFrom(var, 0, 3, 3);
                model.parameters(0).get(0).copyFrom(gamma);
                model.train(false);
                model.zeroGrad();
                float[] xs = x.toArray(), dys = dy.toArray();
                model.forward(x);
                float[] dx = model.backward(dy, true).toArray(), dg = model.gradients(0).get(0).toArray(),
                        db = model.gradients(0).get(1).toArray();
                int plane = (int) (in.size() / in.dim(0) / 3);
                double[] wantDg = new double[3], wantDb = new double[3];
                for (int i = 0; i < xs.length; i++) {
                    int ch = i / plane % 3;
                    double inv = 1 / Math.sqrt(var[ch] + 1e-5);
                    assertEquals(gamma[ch] * inv * dys[i], dx[i], 1e-5, bn.describe() + " dx[" + i + "]");
                    wantDg[ch] += dys[i] * (xs[i] - mean[ch]) * inv;
                    wantDb[ch] += dys[i];
                }
                for (int ch = 0; ch < 3; ch++) {
                    assertEquals(wantDg[ch], dg[ch], 1e-4, bn.describe() + " dgamma");
                    assertEquals(wantDb[ch], db[ch], 1e-4, bn.describe() + " dbeta");
                }
                assertEquals(mean[1], model.state().get(1), "running statistics untouched");
            }
        }
    }

    @Test void batchNorm1dTraining() {
        Shape in = Shape.of(6, 5);
        checker.check(new BatchNorm1d(5), in, uniform((int) in.size(), new SplittableRandom(17)), 17);
    }

    /** The smoothed cross-entropy's dlogits are the central differences of its loss. */
    @Test void crossEntropyWithLabelSmoothing() {
        int n = 5, c = 6;
        double step = 1e-2;
        SplittableRandom rng = new SplittableRandom(18);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rng.nextInt(c);
        try (SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(0.2);
             Tensor logits = Tensor.of(awayFrom(n * c, 3, 0, rng), n, c);
             IntTensor l = new IntTensor(n)) {
            l.copyFrom(labels, 0, n);
            loss.forward(logits, l);
            float[] analytic = loss.gradient().toArray();
            for (int i = 0; i < n * c; i++) {
                float original = logits.get(i);
                logits.set(i, (float) (original + step));
                double plus = loss.forward(logits, l);
                logits.set(i, (float) (original - step));
                double minus = loss.forward(logits, l);
                logits.set(i, original);
                double numeric = (plus - minus) / (2 * step);
                assertTrue(Math.abs(numeric - analytic[i]) <= 2e-3, "dlogits[" + i + "]: analytic " + analytic[i] + ", numeric " + numeric);
            }
            assertEquals(0.2f, loss.smoothing());
        }
    }
}

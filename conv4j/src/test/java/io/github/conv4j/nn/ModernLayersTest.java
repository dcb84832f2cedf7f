package io.github.conv4j.nn;

import static io.github.conv4j.testing.ExpectedFailure.fails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.GradientChecker;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The modern-CNN layers' argument checks, and the identities between them and the older layers. */
class ModernLayersTest {
    @Test void badOptionsAndShapesNameTheLayer() {
        fails(IllegalArgumentException.class, () -> new LeakyReLU(Double.NaN), "LeakyReLU", "finite");
        fails(IllegalArgumentException.class, () -> new LeakyReLU(1e300), "LeakyReLU", "finite");
        fails(IllegalArgumentException.class, () -> new AdaptiveAvgPool2d(0, 3), "AdaptiveAvgPool2d", "output height");
        fails(IllegalArgumentException.class, () -> new BatchNorm1d(0), "BatchNorm1d", "features");
        fails(IllegalArgumentException.class, () -> new BatchNorm1d(4, 1e-5f, 2f), "BatchNorm1d", "momentum");
        fails(IllegalArgumentException.class, () -> new SoftmaxCrossEntropy(1.5), "label smoothing", "1.5");
        fails(IllegalArgumentException.class, () -> new Sequential(Shape.of(3, 4, 4), new Softmax()), "layer 0", "Softmax", "N×C");
        fails(IllegalArgumentException.class, () -> new Sequential(Shape.of(12), new AdaptiveAvgPool2d(2)), "AdaptiveAvgPool2d", "N×C×H×W");
        fails(IllegalArgumentException.class, () -> new Sequential(Shape.of(6), new BatchNorm1d(5)), "BatchNorm1d(5)", "[1, 6]");
        fails(IllegalArgumentException.class, () -> new Sequential(Shape.of(6, 2, 2), new BatchNorm2d(5)), "BatchNorm2d(5)", "expected input [N, 5, H, W], got [1, 6, 2, 2]");
        fails(IllegalArgumentException.class, () -> new Sequential(Shape.of(6), new BatchNorm2d(6)), "BatchNorm2d(6)", "4-D input N×C×H×W");
        fails(IllegalArgumentException.class, () -> new Sequential(Shape.of(6, 2, 2), new BatchNorm1d(6)), "BatchNorm1d(6)", "2-D input N×C,");
        assertEquals("BatchNorm1d features=6 eps=0.001 momentum=0.2", new BatchNorm1d(6, 1e-3f, 0.2f).spec());
        assertEquals("BatchNorm2d channels=6 eps=1.0E-5 momentum=0.1", new BatchNorm2d(6).spec());
        // a batch of another per-sample shape than the model was built for
        for (Layer l : List.of(new Sigmoid(), new GELU(), new Identity(), new AdaptiveAvgPool2d(1), new LogSoftmax())) {
            boolean rows = l instanceof LogSoftmax;
            try (Sequential m = new Sequential(rows ? Shape.of(4) : Shape.of(3, 2, 2), 1, List.of(l));
                 Tensor x = rows ? Tensor.zeros(2, 5) : Tensor.zeros(2, 4, 2, 2)) {
                fails(IllegalArgumentException.class, () -> m.forward(x), l.describe(), rows ? "[2, 5]" : "[2, 4, 2, 2]");
            }
        }
    }

    @Test void backwardWithoutForwardIsAnError() {
        for (Layer l : List.of(new Tanh(), new Softmax(), new AdaptiveAvgPool2d(1), new Identity()))
            try (Sequential m = new Sequential(l instanceof Softmax ? Shape.of(4) : Shape.of(1, 2, 2), 1, List.of(l));
                 Tensor dy = Tensor.zeros(m.sampleOutput().prependBatch(1))) {
                fails(IllegalStateException.class, () -> m.backward(dy, true), "backward without a forward pass");
            }
    }

    @Test void identityPassesTheVeryTensors() {
        try (Sequential m = new Sequential(Shape.of(5), new Identity()); Tensor x = Tensor.zeros(3, 5); Tensor dy = Tensor.zeros(3, 5)) {
            assertSame(x, m.forward(x));
            assertSame(dy, m.backward(dy, true));
        }
    }

    /**
     * Same inputs through two single-layer models: the same outputs and input gradients within
     * {@code delta} (0: equal as floats, so −0 and 0 match: leaky ReLU of slope 0 gives −0 for
     * negative inputs, as PyTorch's).
     */
    private static void same(Layer a, Layer b, Shape batch, float delta) {
        SplittableRandom rng = new SplittableRandom(7);
        float[] xs = GradientChecker.uniform((int) batch.size(), rng);
        try (Sequential ma = new Sequential(batch.dropBatch(), 1, List.of(a)); Sequential mb = new Sequential(batch.dropBatch(), 1, List.of(b));
             Tensor x = Tensor.of(xs, batch.dims())) {
            float[] ya = ma.forward(x).toArray(), yb = mb.forward(x).toArray();
            assertArrayEquals(ya, yb, delta, a.describe() + " vs " + b.describe() + ": y");
            float[] dys = GradientChecker.uniform(ya.length, rng);
            try (Tensor dy = Tensor.of(dys, ma.sampleOutput().prependBatch(batch.dim(0)).dims())) {
                assertArrayEquals(ma.backward(dy, true).toArray(), mb.backward(dy, true).toArray(), delta, a.describe() + " vs " + b.describe() + ": dx");
            }
        }
    }

    @Test void adaptivePoolingToOneIsGlobalPoolingAndEvenWindowsArePlainPooling() {
        // the sums run in another order (and precision): agreement to rounding
        same(new AdaptiveAvgPool2d(1), new GlobalAvgPool2d(), Shape.of(2, 3, 4, 5), 1e-6f);
        same(new AdaptiveAvgPool2d(3, 2), new AvgPool2d(2, 3).stride(2, 3), Shape.of(2, 2, 6, 6), 1e-6f);
    }

    @Test void leakyReluOfSlopeZeroIsRelu() {
        same(new LeakyReLU(0), new ReLU(), Shape.of(3, 2, 5, 5), 0f);
    }

    @Test void smoothingZeroIsThePlainLossBitForBit() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 4, c = 7;
        int[] labels = {0, 6, 3, 3};
        try (SoftmaxCrossEntropy plain = new SoftmaxCrossEntropy(); SoftmaxCrossEntropy zero = new SoftmaxCrossEntropy(0.0);
             Tensor logits = Tensor.of(GradientChecker.uniform(n * c, rng), n, c); IntTensor l = new IntTensor(n)) {
            l.copyFrom(labels, 0, n);
            assertEquals(plain.forward(logits, l), zero.forward(logits, l));
            assertArrayEquals(plain.gradient().toArray(), zero.gradient().toArray());
            assertEquals(plain.correct(), zero.correct());
            assertEquals(0f, plain.smoothing());
        }
    }
}

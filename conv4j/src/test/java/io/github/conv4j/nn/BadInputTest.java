package io.github.conv4j.nn;

import static io.github.conv4j.testing.ExpectedFailure.fails;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad arguments give a clear exception that names the layer and the values, never a crash. */
class BadInputTest {
    @Test void mismatchedInputShapeNamesLayerExpectedAndActual() {
        try (Sequential m = new Sequential(Shape.of(1, 28, 28), new Conv2d(1, 4, 5));
             Tensor x = Tensor.zeros(2, 3, 28, 28)) {
            fails(IllegalArgumentException.class, () -> m.forward(x), "Conv2d(1→4, 5×5)", "[N, 1, 28, 28]", "[2, 3, 28, 28]");
        }
    }

    @Test void wrongChannelsAtConstruction() {
        fails(IllegalArgumentException.class, () -> new Sequential(Shape.of(3, 8, 8), new Conv2d(1, 4, 3)), "layer 0", "Conv2d", "[1, 3, 8, 8]");
    }

    @Test void linearAfterConvWithoutFlatten() {
        fails(IllegalArgumentException.class, () -> new Sequential(Shape.of(1, 8, 8), new Conv2d(1, 2, 3), new Linear(72, 10)),
                "layer 1", "Linear(72→10)", "Flatten");
    }

    @Test void zeroAndNegativeSizes() {
        fails(IllegalArgumentException.class, () -> new Conv2d(0, 4, 3), "in channels", "0");
        fails(IllegalArgumentException.class, () -> new Conv2d(1, 4, -3), "kernel", "-3");
        fails(IllegalArgumentException.class, () -> new Conv2d(1, 4, 3).stride(0), "stride");
        fails(IllegalArgumentException.class, () -> new Conv2d(1, 4, 3).padding(-1), "padding");
        fails(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3).groups(2), "groups 2");
        fails(IllegalArgumentException.class, () -> new MaxPool2d(0), "kernel");
        fails(IllegalArgumentException.class, () -> new MaxPool2d(2).padding(2), "half the kernel");
        fails(IllegalArgumentException.class, () -> new Linear(10, 0), "out features");
        fails(IllegalArgumentException.class, () -> Shape.of(2, 0, 3), "non-positive");
        fails(IllegalArgumentException.class, () -> new Dropout(1.0), "[0, 1)");
    }

    @Test void kernelLargerThanPaddedInput() {
        fails(IllegalArgumentException.class, () -> new Conv2d(1, 1, 9).outputShape(Shape.of(1, 1, 7, 7)), "kernel extent 9", "7");
    }

    @Test void strictModeRejectsAStrideThatDoesNotTile() {
        Conv2d c = new Conv2d(1, 1, 3).stride(2).mode(PaddingMode.STRICT);
        fails(IllegalArgumentException.class, () -> c.outputShape(Shape.of(1, 1, 8, 8)), "STRICT", "stride 2");
        // 7×7 with a 3×3 kernel and stride 2 tiles exactly (7 − 3 = 4 = 2·2).
        c.outputShape(Shape.of(1, 1, 7, 7));
    }

    @Test void samePaddingGivesCeilOfInputOverStride() {
        Conv2d c = new Conv2d(1, 1, 3).stride(2).mode(PaddingMode.SAME);
        assertTrue(c.outputShape(Shape.of(1, 1, 7, 7)).equals(Shape.of(1, 1, 4, 4)));
        fails(IllegalArgumentException.class, () -> c.padding(1).outputShape(Shape.of(1, 1, 7, 7)), "SAME", "explicit padding 1");
    }

    @Test void closedTensorsAndModels() {
        Tensor t = Tensor.zeros(2, 2);
        t.close();
        t.close(); // idempotent
        fails(IllegalStateException.class, () -> t.get(0), "closed");
        fails(IllegalStateException.class, t::toArray, "closed");
        Tensor owner = Tensor.zeros(4);
        Tensor view = owner.view(1, Shape.of(2));
        owner.close();
        fails(IllegalStateException.class, () -> view.get(0), "closed");

        Sequential m = new Sequential(Shape.of(4), new Linear(4, 2));
        m.close();
        try (Tensor x = Tensor.zeros(1, 4)) {
            fails(IllegalStateException.class, () -> m.forward(x), "closed");
        }
        Sequential live = new Sequential(Shape.of(4), new Linear(4, 2));
        Tensor closedInput = Tensor.zeros(1, 4);
        closedInput.close();
        fails(IllegalStateException.class, () -> live.forward(closedInput), "closed");
        live.close();
    }

    @Test void backwardWithAWrongGradientShape() {
        try (Sequential m = new Sequential(Shape.of(1, 6, 6), 1, List.of(new Conv2d(1, 2, 3)));
             Tensor x = Tensor.zeros(2, 1, 6, 6); Tensor dy = Tensor.zeros(2, 2, 3, 3)) {
            m.forward(x);
            fails(IllegalArgumentException.class, () -> m.backward(dy), "output gradient", "[2, 2, 4, 4]", "[2, 2, 3, 3]");
        }
    }

    @Test void labelsOutOfRangeAndTooFew() {
        try (SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(); Tensor logits = Tensor.zeros(2, 3);
             IntTensor labels = new IntTensor(2); IntTensor one = new IntTensor(1)) {
            labels.set(1, 3);
            fails(IllegalArgumentException.class, () -> loss.forward(logits, labels), "label");
            fails(IllegalArgumentException.class, () -> loss.forward(logits, one), "2 logits rows but 1 labels");
        }
    }

    @Test void arraysThatDoNotFillTheShape() {
        fails(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3), "5 values", "[2, 3]");
        try (Tensor t = Tensor.zeros(2, 3)) {
            fails(IllegalArgumentException.class, () -> t.copyFrom(new float[7]), "7 values");
            fails(IllegalArgumentException.class, () -> t.view(4, Shape.of(3)), "does not fit");
        }
    }

    @Test void hugeLayersAreRefusedBeforeAllocating() {
        fails(IllegalArgumentException.class,
                () -> new Sequential(Shape.of(3, 60000, 60000), new Conv2d(3, 8, 3)), "exceeds");
    }

    /** Once a SIGSEGV in c4j_conv_fast_forward: each value positive, their padded extent past 2^31−1. */
    @Test void geometriesPastTheKernelsIndexRangeAreRefused() {
        fails(IllegalArgumentException.class, () -> new Sequential(Shape.of(1, 1, 1),
                new Conv2d(1, 1, 2, 1).stride(1 << 30, 1).padding(1 << 30, 0).dilation(1 << 30, 1)),
                "layer 0", "Conv2d(1→1, 2×1", "padded height 2147483649", "exceeds 2147483647");
        fails(IllegalArgumentException.class, () -> new Sequential(Shape.of(1, 2, 2),
                new MaxPool2d(Integer.MAX_VALUE, 1).padding((1 << 30) - 1, 0)), "layer 0", "MaxPool2d", "padded height 2147483648");
        fails(IllegalArgumentException.class, () -> new MaxPool2d(Integer.MAX_VALUE - 1, 1).padding(1 << 30, 0),
                "MaxPool2d: padding 1073741824×0 must be at most half the kernel");
        fails(IllegalArgumentException.class, () -> new Sequential(Shape.of(1, 50000, 50000), new AvgPool2d(2)),
                "layer 0", "AvgPool2d", "input plane H×W = 2500000000");
    }

    @Test void workspaceLimitIsEnforced() {
        try (Workspace ws = new Workspace(1 << 20)) {
            fails(IllegalArgumentException.class, () -> ws.reserve(1 << 20, 1, "test model"), "test model", "limit of 1 MB");
        }
    }
}

package io.github.conv4j.nn;

import static io.github.conv4j.testing.ExpectedFailure.fails;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every op's backward starts with the same two checks (Checks.backward): a forward must have run,
 * and the output gradient must have the shape of that forward's output. Each op of the library
 * that keeps state between the passes, single-input and merge, is asked both wrong.
 */
class BackwardChecksTest {
    /** A fresh layer each call (a layer serves one model), and the per-sample input it takes. */
    private record Case(Supplier<Layer> layer, Shape sample) {}

    private static final List<Case> SINGLE = List.of(
            new Case(() -> new Conv2d(2, 3, 3).padding(1), Shape.of(2, 5, 5)),
            new Case(() -> new Linear(6, 4), Shape.of(6)),
            new Case(() -> new MaxPool2d(2), Shape.of(2, 4, 4)),
            new Case(() -> new AvgPool2d(2), Shape.of(2, 4, 4)),
            new Case(ReLU::new, Shape.of(2, 3, 3)),
            new Case(Tanh::new, Shape.of(2, 3, 3)),
            new Case(Softmax::new, Shape.of(5)),
            new Case(() -> new AdaptiveAvgPool2d(1), Shape.of(2, 3, 3)),
            new Case(() -> new BatchNorm2d(2), Shape.of(2, 3, 3)),
            new Case(() -> new BatchNorm1d(6), Shape.of(6)),
            new Case(Flatten::new, Shape.of(2, 3, 3)),
            new Case(Identity::new, Shape.of(2, 3, 3)),
            new Case(() -> new ChannelShuffle(2), Shape.of(4, 3, 3)));

    @Test void singleInputOpsRefuseABackwardBeforeAForwardAndAGradientOfAnotherShape() {
        for (Case c : SINGLE) {
            Layer l = c.layer().get();
            String what = l.describe();
            try (Sequential m = new Sequential(c.sample(), 1, List.of(l));
                 Tensor x = Tensor.zeros(c.sample().prependBatch(2));
                 Tensor dy = Tensor.zeros(m.sampleOutput().prependBatch(2));
                 Tensor wrong = Tensor.zeros(m.sampleOutput().prependBatch(3))) {
                fails(IllegalStateException.class, () -> m.backward(dy, true), "backward without a forward pass");
                m.forward(x);
                fails(IllegalArgumentException.class, () -> m.backward(wrong, true), "expected output gradient", "got " + wrong.shape());
                m.backward(dy, true);   // and the right one passes
            } catch (AssertionError e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
        }
    }

    @Test void mergeOpsRefuseABackwardBeforeAForwardAndAGradientOfAnotherShape() {
        for (String merge : List.of("add", "concat", "mul")) {
            GraphBuilder b = new GraphBuilder(Shape.of(2, 4, 4));
            Node x = b.input();
            Node a = b.add("a", new Conv2d(2, 2, 1), x);
            Node out = switch (merge) {
                case "add" -> b.add("add", new Add(), a, x);
                case "concat" -> b.add("concat", new Concat(), a, x);
                default -> b.add("mul", new Mul(), a, b.add("gate", new GlobalAvgPool2d(), x));
            };
            try (Graph g = b.build(out);
                 Tensor in = Tensor.zeros(2, 2, 4, 4);
                 Tensor dy = Tensor.zeros(g.sampleOutput().prependBatch(2));
                 Tensor wrong = Tensor.zeros(g.sampleOutput().prependBatch(3))) {
                fails(IllegalStateException.class, () -> g.backward(dy, true), merge + " ", "backward without a forward pass");
                g.forward(in);
                fails(IllegalArgumentException.class, () -> g.backward(wrong, true), merge + " ", "expected output gradient", "got " + wrong.shape());
                g.backward(dy, true);
            }
        }
    }
}

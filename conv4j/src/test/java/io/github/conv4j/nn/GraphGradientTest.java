package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.testing.GradientChecker;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Finite differences through a graph with every kind of join: the input read by three nodes, a
 * residual Add, a squeeze-and-excitation style Mul of a map by its own pooled gate (the Add's
 * output read twice), and a Concat with the raw input.
 */
class GraphGradientTest {
    static Graph joins(long seed) {
        GraphBuilder b = new GraphBuilder(Shape.of(2, 6, 6));
        Node x = b.input();
        Node a = b.add("a", new Conv2d(2, 3, 3).padding(1), x);
        Node c = b.add("b", new Conv2d(2, 3, 1), x);
        Node sum = b.add("sum", new Add(), a, c);
        Node pooled = b.add("pool", new GlobalAvgPool2d(), sum);
        Node gate = b.add("gate", new Conv2d(3, 3, 1), pooled);
        Node scaled = b.add("scaled", new Mul(), sum, gate);
        Node joined = b.add("joined", new Concat(), scaled, x);
        Node out = b.add("out", new Conv2d(5, 2, 3), joined);
        return b.build(out, seed);
    }

    @Test void fanOutAddMulConcatMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(3);
        try (Graph g = joins(5)) {
            new GradientChecker(1e-2, 2e-2, 30).check(g, Shape.of(3, 2, 6, 6), GradientChecker.uniform(3 * 2 * 36, rng), 7);
        }
    }

    @Test void gateFirstAndThreeWayAddMatchFiniteDifferences() {
        GraphBuilder b = new GraphBuilder(Shape.of(3, 4, 4));
        Node x = b.input();
        Node gate = b.add("gate", new Conv2d(3, 3, 1), b.add("pool", new GlobalAvgPool2d(), x));
        Node scaled = b.add("scaled", new Mul(), gate, x);
        Node conv = b.add("conv", new Conv2d(3, 3, 3).padding(1), x);
        Node sum = b.add("sum", new Add(), scaled, conv, x);
        try (Graph g = b.build(sum, 2)) {
            new GradientChecker(1e-2, 2e-2, 30).check(g, Shape.of(2, 3, 4, 4), GradientChecker.uniform(2 * 48, new SplittableRandom(4)), 9);
        }
    }
}

package io.github.conv4j.nn;

import io.github.conv4j.testing.RandomFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.zoo.CifarResNet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A graph whose buffers share memory where their contents are never needed at once (its {@link
 * BufferPlan}) gives bit for bit what one with every buffer apart gives ({@code
 * -Dconv4j.shareBuffers=false}): training steps at growing and shrinking batches, and the
 * inference-only copies (a replica, the batch-norm-folded graph); and it holds less memory.
 */
class BufferSharingTest {
    private static final Shape SAMPLE = Shape.of(3, 8, 8);
    private static final int[] BATCHES = {4, 2, 5, 5};

    private static Graph resnet() { return CifarResNet.ofDepth(14, 3, 5).build(SAMPLE, 3); }

    @Test void trainingStepsGiveTheSameBits() {
        same(run(true, false, -1), run(false, false, -1));
        same(run(true, false, 40), run(false, false, 40));   // with a NaN
    }

    /** Evaluation-mode forwards share the outputs; a backward after one runs it again into the training buffers. */
    @Test void evaluationForwardsAndABackwardAfterOneGiveTheSameBits() {
        same(runEvaluation(true, -1), runEvaluation(false, -1));
        same(runEvaluation(true, 40), runEvaluation(false, 40));
    }

    @Test void inferenceOnlyGraphsGiveTheSameBits() {
        same(run(true, true, -1), run(false, true, -1));
        same(run(true, true, 40), run(false, true, 40));
    }

    /**
     * A chain of batch norms holds two activation-sized buffers where it held one per layer: its
     * gradients in training take turns in two (each read only by the next backward; the last, the
     * input gradient, kept), its outputs in an inference-only copy too (each read only by the next
     * layer; the last, the result, kept), and so do those of an evaluation-mode forward of the
     * graph that trains, beside its training buffers. The ResNet's gradient buffers at least halve.
     */
    @Test void sharingHoldsLessMemory() {
        int layers = 10, n = 3;
        Shape sample = Shape.of(4, 5, 5);
        long activation = n * sample.size() * Float.BYTES;
        for (boolean share : new boolean[] {true, false}) {
            long[] grads = new long[1], outs = new long[1], evals = new long[1];
            measure(() -> withSharing(share, () -> {
                GraphBuilder b = new GraphBuilder(sample);
                Node y = b.input();
                for (int i = 0; i < layers; i++) y = b.add("bn" + i, new BatchNorm2d(4), y);
                try (Graph g = b.build(y, 1); Tensor x = Tensor.zeros(sample.prependBatch(n).dims());
                     Tensor dy = Tensor.zeros(sample.prependBatch(n).dims())) {
                    x.fill(0.5f);
                    dy.fill(1f);
                    g.forward(x);
                    long before = Tensor.liveBytes();
                    g.backward(dy, true);
                    grads[0] = Tensor.liveBytes() - before;
                    g.train(false);
                    try (Tensor x2 = Tensor.zeros(sample.prependBatch(2 * n).dims())) {
                        before = Tensor.liveBytes();
                        g.forward(x2);   // twice the batch
                        evals[0] = Tensor.liveBytes() - before;
                    }
                    try (Graph r = g.replica()) {
                        before = Tensor.liveBytes();
                        r.forward(x);
                        outs[0] = Tensor.liveBytes() - before;
                    }
                }
                return null;
            }));
            assertEquals((share ? 2 : layers) * activation, grads[0], "gradient buffers, shared " + share);
            assertEquals((share ? 2 : layers) * activation, outs[0], "inference outputs, shared " + share);
            // shared: two buffers of the larger batch besides the training ones; apart: each grows to it
            assertEquals((share ? 2 * 2 : layers * (2 - 1)) * activation, evals[0], "evaluation at twice the batch, shared " + share);
        }
        long[] resnet = new long[2];
        for (int k = 0; k < 2; k++) {
            boolean share = k == 0;
            measure(() -> withSharing(share, () -> {
                try (Graph g = resnet(); Tensor x = input(4, -1); Tensor dy = Tensor.zeros(4, 5)) {
                    dy.fill(0.25f);
                    g.forward(x);
                    long before = Tensor.liveBytes();
                    g.backward(dy, true);
                    resnet[share ? 0 : 1] = Tensor.liveBytes() - before;
                }
                return null;
            }));
        }
        assertTrue(2 * resnet[0] <= resnet[1], "ResNet-14 gradient buffers shared " + resnet[0] + " B, apart " + resnet[1] + " B");
    }

    /**
     * Runs {@code body} again when an earlier test's unclosed tensor was collected meanwhile
     * (Tensor.liveBytes() is process-wide: that would lower the count).
     */
    private static void measure(Runnable body) {
        for (int attempts = 0; ; attempts++) {
            long leaksBefore = Tensor.leaks();
            body.run();
            if (Tensor.leaks() == leaksBefore || attempts == 9) return;
        }
    }

    /** A plan of intervals: overlapping ones apart, the others in turns, each slot as large as its largest. */
    @Test void thePlanSharesOnlyWhatDoesNotOverlap() {
        try (BufferPlan plan = new BufferPlan()) {
            BatchBuffer a = new BatchBuffer(Shape.of(4)), b = new BatchBuffer(Shape.of(2)), c = new BatchBuffer(Shape.of(8)),
                    d = new BatchBuffer(Shape.of(2)), e = new BatchBuffer(Shape.of(1));
            plan.add(a, 0, 1);
            plan.add(b, 1, 2);                   // overlaps a at 1
            plan.add(c, 2, 3);                   // a is free: its slot grows to 8
            plan.add(d, 3, BufferPlan.FOREVER);  // b's slot is free (2 fits 2 best)
            plan.add(e, 4, 5);                   // only c's slot is free
            plan.assign();
            assertEquals(2, plan.slotCount());
            assertEquals(8 + 2, plan.perImage());
            assertTrue(plan.overwritten(a));
            assertTrue(plan.overwritten(b));
            assertTrue(plan.overwritten(c));
            assertFalse(plan.overwritten(d));
            assertFalse(plan.overwritten(e));
            Tensor va = a.get(3), vc = c.get(3);
            assertEquals(va.pointer().address(), vc.pointer().address(), "a and c take turns");
            Tensor vb = b.get(3), vd = d.get(3);
            assertEquals(vb.pointer().address(), vd.pointer().address(), "b and d take turns");
            assertTrue(va.pointer().address() != vb.pointer().address());
            assertEquals(Shape.of(3, 8), vc.shape());
            assertSame(vc, c.get(3), "the view is kept while the batch stays");
            Tensor bigger = a.get(6);   // the slot grows
            assertEquals(Shape.of(6, 4), bigger.shape());
            assertFalse(va.isOpen());
            for (BatchBuffer x : List.of(a, b, c, d, e)) x.close();
        }
    }

    private static void same(List<float[]> a, List<float[]> b) {
        assertEquals(b.size(), a.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(b.get(i).length, a.get(i).length);
            for (int j = 0; j < a.get(i).length; j++)
                assertEquals(Float.floatToIntBits(b.get(i)[j]), Float.floatToIntBits(a.get(i)[j]), "array " + i + " [" + j + "]");
        }
    }

    private static Tensor input(int n, int nanAt) {
        Random r = new Random(5 + n);
        float[] x = RandomFloats.gaussian(r, n * SAMPLE.size());
        if (nanAt >= 0 && nanAt < x.length) x[nanAt] = Float.NaN;
        return Tensor.of(x, SAMPLE.prependBatch(n).dims());
    }

    /** Outputs, input gradients, parameter gradients and state over a few steps (or the forwards of a replica and a folded copy). */
    private static List<float[]> run(boolean share, boolean inferenceOnly, int nanAt) {
        return withSharing(share, () -> {
            List<float[]> out = new ArrayList<>();
            try (Graph g = resnet()) {
                if (inferenceOnly) {
                    g.train(false);
                    try (Graph r = g.replica(); Graph f = BatchNormFolding.fold(g)) {
                        for (int n : BATCHES)
                            try (Tensor x = input(n, nanAt)) {
                                out.add(r.forward(x).toArray());
                                out.add(f.forward(x).toArray());
                            }
                    }
                    return out;
                }
                Random r = new Random(6);
                for (int n : BATCHES)
                    try (Tensor x = input(n, nanAt)) {
                        g.zeroGrad();
                        Tensor y = g.forward(x);
                        out.add(y.toArray());
                        try (Tensor dy = Tensor.of(RandomFloats.gaussian(r, y.size()), y.shape().dims())) {
                            out.add(g.backward(dy, true).toArray());
                        }
                        out.add(g.gradients().toArray());
                        out.add(g.state().toArray());
                    }
            }
            return out;
        });
    }

    /** A training step, evaluation forwards at other batches, a backward after the last (frozen statistics), a training step. */
    private static List<float[]> runEvaluation(boolean share, int nanAt) {
        return withSharing(share, () -> {
            List<float[]> out = new ArrayList<>();
            try (Graph g = resnet(); Tensor x4 = input(4, nanAt); Tensor x6 = input(6, nanAt); Tensor x3 = input(3, nanAt);
                 Tensor dy3 = Tensor.zeros(3, 5); Tensor dy4 = Tensor.zeros(4, 5)) {
                dy3.fill(0.5f);
                dy4.fill(-0.25f);
                g.zeroGrad();
                g.forward(x4);
                g.backward(dy4, true);
                g.train(false);
                out.add(g.forward(x6).toArray());
                out.add(g.forward(x3).toArray());
                out.add(g.backward(dy3, true).toArray());
                out.add(g.gradients().toArray());
                g.train(true);
                out.add(g.forward(x4).toArray());
                out.add(g.backward(dy4, true).toArray());
                out.add(g.gradients().toArray());
                out.add(g.state().toArray());
            }
            return out;
        });
    }

    static <T> T withSharing(boolean share, Supplier<T> body) {
        String before = System.getProperty("conv4j.shareBuffers");
        System.setProperty("conv4j.shareBuffers", Boolean.toString(share));
        try {
            return body.get();
        } finally {
            if (before == null) System.clearProperty("conv4j.shareBuffers");
            else System.setProperty("conv4j.shareBuffers", before);
        }
    }
}

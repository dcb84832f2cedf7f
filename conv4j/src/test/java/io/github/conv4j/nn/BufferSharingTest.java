package io.github.conv4j.nn;

import io.github.conv4j.testing.RandomFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    /**
     * Every other op a graph plans the buffers of, 3×8×8 in, 5 out: MobileNetV2's inverted
     * residuals (ReLU6, a depthwise convolution, the residual and strided ones), a
     * squeeze-and-excitation gate (global average pooling, a 1×1 convolution, hard sigmoid, the
     * broadcasting Mul), max and average pooling, a channel shuffle and a slice, an elementwise Mul,
     * a Concat reading one node twice, adaptive pooling, a Flatten view, Linear layers, and a
     * Dropout (which keeps its buffers to itself) between them.
     */
    private static Graph mobile() {
        GraphBuilder b = new GraphBuilder(SAMPLE);
        Node y = b.add("stem.conv", new Conv2d(3, 8, 3).padding(1).bias(false), b.input());
        y = b.add("stem.bn", new BatchNorm2d(8), y);
        y = b.add("stem.act", new ReLU6(), y);
        y = new InvertedResidual(8, 8, 1, 1).addTo(b, "ir1", y);
        y = new InvertedResidual(8, 12, 2, 3).addTo(b, "ir2", y);
        y = new InvertedResidual(12, 12, 1, 2).addTo(b, "ir3", y);
        y = new SqueezeExcitation(12, 4, new HardSigmoid()).addTo(b, "se", y);
        Node max = b.add("max", new MaxPool2d(3).stride(1).padding(1), y);
        Node avg = b.add("avg", new AvgPool2d(3).stride(1).padding(1), y);
        Node gated = b.add("gated", new Mul(), max, avg);
        Node shuffled = b.add("shuffle", new ChannelShuffle(3), y);
        Node half = b.add("half", new ChannelSlice(0, 6), shuffled);
        y = b.add("cat", new Concat(), gated, half, half);
        y = b.add("mix", new Conv2d(24, 16, 1), y);
        y = b.add("mix.act", new ReLU(), y);
        y = b.add("pool", new AdaptiveAvgPool2d(2), y);
        y = b.add("flatten", new Flatten(), y);
        y = b.add("fc1", new Linear(64, 20), y);
        y = b.add("fc1.act", new ReLU6(), y);
        y = b.add("drop", new Dropout(0.25), y);
        y = b.add("fc2", new Linear(20, 5), y);
        return b.build(y, 7);
    }

    private static final List<Supplier<Graph>> MODELS = List.of(BufferSharingTest::resnet, BufferSharingTest::mobile);

    @Test void trainingStepsGiveTheSameBits() {
        for (Supplier<Graph> m : MODELS) {
            same(run(m, true, false, -1), run(m, false, false, -1));
            same(run(m, true, false, 40), run(m, false, false, 40));   // with a NaN
        }
    }

    /** Evaluation-mode forwards share the outputs; a backward after one runs it again into the training buffers. */
    @Test void evaluationForwardsAndABackwardAfterOneGiveTheSameBits() {
        for (Supplier<Graph> m : MODELS) {
            same(runEvaluation(m, true, -1), runEvaluation(m, false, -1));
            same(runEvaluation(m, true, 40), runEvaluation(m, false, 40));
        }
    }

    @Test void inferenceOnlyGraphsGiveTheSameBits() {
        for (Supplier<Graph> m : MODELS) {
            same(run(m, true, true, -1), run(m, false, true, -1));
            same(run(m, true, true, 40), run(m, false, true, 40));
        }
    }

    /**
     * A chain of batch norms (and of each other planned op) holds two activation-sized buffers
     * where it held one per layer: its gradients in training take turns in two (each read only by
     * the next backward; the last, the input gradient, kept), its outputs in an inference-only
     * copy too (each read only by the next layer; the last, the result, kept), and so do those of
     * an evaluation-mode forward of the graph that trains at twice the batch, beside its training
     * buffers; at the training batch, in those buffers' memory (nothing allocated). The ResNet's
     * gradient buffers at least halve.
     */
    @Test void sharingHoldsLessMemory() {
        Shape sample = Shape.of(4, 5, 5);
        chainHoldsTwoBuffers(sample, () -> new BatchNorm2d(4));
        chainHoldsTwoBuffers(sample, ReLU6::new);                                      // NativeBatchOp
        chainHoldsTwoBuffers(sample, () -> new MaxPool2d(3).stride(1).padding(1));
        chainHoldsTwoBuffers(sample, () -> new AvgPool2d(3).stride(1).padding(1));
        chainHoldsTwoBuffers(sample, () -> new AdaptiveAvgPool2d(5));
        chainHoldsTwoBuffers(sample, () -> new ChannelShuffle(2));
        chainHoldsTwoBuffers(Shape.of(24), () -> new Linear(24, 24));
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

    /** A chain of ten of {@code layer}'s ops, each reading the last's output, holds two activations where it held ten (see above). */
    private static void chainHoldsTwoBuffers(Shape sample, Supplier<Layer> layer) {
        int layers = 10, n = 3;
        long activation = n * sample.size() * Float.BYTES;
        String what = layer.get().describe();
        for (boolean share : new boolean[] {true, false}) {
            long[] grads = new long[1], outs = new long[1], evals = new long[1], evalsAtN = new long[1];
            measure(() -> withSharing(share, () -> {
                GraphBuilder b = new GraphBuilder(sample);
                Node y = b.input();
                for (int i = 0; i < layers; i++) y = b.add("l" + i, layer.get(), y);
                try (Graph g = b.build(y, 1); Tensor x = Tensor.zeros(sample.prependBatch(n).dims());
                     Tensor dy = Tensor.zeros(sample.prependBatch(n).dims())) {
                    x.fill(0.5f);
                    dy.fill(1f);
                    g.forward(x);
                    long before = Tensor.liveBytes();
                    g.backward(dy, true);
                    grads[0] = Tensor.liveBytes() - before;
                    g.train(false);
                    before = Tensor.liveBytes();
                    g.forward(x);   // the training batch: the training activations' memory is lent
                    evalsAtN[0] = Tensor.liveBytes() - before;
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
            assertEquals((share ? 2 : layers) * activation, grads[0], what + ": gradient buffers, shared " + share);
            assertEquals((share ? 2 : layers) * activation, outs[0], what + ": inference outputs, shared " + share);
            assertEquals(0, evalsAtN[0], what + ": evaluation at the training batch, shared " + share);
            // shared: two buffers of the larger batch besides the training ones; apart: each grows to it
            assertEquals((share ? 2 * 2 : layers * (2 - 1)) * activation, evals[0], what + ": evaluation at twice the batch, shared " + share);
        }
    }

    /**
     * Merges that read one node twice: their two input gradients and the sum of them. A chain of
     * squares y = y·y (after a batch norm, whose input gradient is kept): while one Mul's backward
     * runs, the sum it reads (its output's), its two gradients and the sum they are added into are
     * live: four buffers, where one per gradient and sum held 3 per Mul and the batch norm's.
     * Concatenations of a node with itself, each sliced back to its first half: the slice's
     * gradient (2 planes' worth), the Concat's two and their sum (1 each), the previous sum:
     * 2 + 3 activations of the node, where each Concat and slice held 2 + 3 and the batch norm 1.
     */
    @Test void mergesReadingANodeTwiceHoldTheirGradientsOnlyWhileNeeded() {
        int layers = 6, n = 3;
        Shape sample = Shape.of(4, 5, 5);
        long activation = n * sample.size() * Float.BYTES;
        for (boolean concat : new boolean[] {false, true})
            for (boolean share : new boolean[] {true, false}) {
                long[] grads = new long[1];
                measure(() -> withSharing(share, () -> {
                    GraphBuilder b = new GraphBuilder(sample);
                    Node y = b.add("bn", new BatchNorm2d(4), b.input());
                    for (int i = 0; i < layers; i++)
                        y = concat ? b.add("half" + i, new ChannelSlice(0, 4), b.add("cat" + i, new Concat(), y, y))
                                : b.add("square" + i, new Mul(), y, y);
                    try (Graph g = b.build(y, 1); Tensor x = Tensor.of(RandomFloats.gaussian(new Random(3), n * sample.size()), sample.prependBatch(n).dims());
                         Tensor dy = Tensor.zeros(sample.prependBatch(n).dims())) {
                        dy.fill(1f);
                        g.forward(x);
                        long before = Tensor.liveBytes();
                        g.backward(dy, true);
                        grads[0] = Tensor.liveBytes() - before;
                    }
                    return null;
                }));
                long expected = concat ? (share ? 2 + 3 : layers * (2 + 3) + 1) : (share ? 4 : 3 * layers + 1);
                assertEquals(expected * activation, grads[0], (concat ? "Concat" : "Mul") + " gradient buffers, shared " + share);
            }
    }

    /** A chain (planning nothing) with the ops that keep buffers between passes: convolution, batch norm, max pooling, Linear. */
    private static Sequential chain() {
        return new Sequential(SAMPLE, 9, List.of(new Conv2d(3, 6, 3).padding(1), new BatchNorm2d(6), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Linear(6 * 4 * 4, 5)));
    }

    private static final List<Supplier<Model>> RELEASED = List.of(BufferSharingTest::resnet, BufferSharingTest::mobile, BufferSharingTest::chain);

    /**
     * Buffers released between passes (after training, after an evaluation, before a folded copy
     * is made) are allocated again by the next pass, which gives the bits it gives without the
     * release, with sharing on and off; a backward right after a release is refused.
     */
    @Test void releasingBuffersChangesNoBit() {
        for (Supplier<Model> m : RELEASED) {
            List<float[]> kept = runReleasing(m, true, false);
            same(runReleasing(m, true, true), kept);
            same(runReleasing(m, false, true), kept);
            same(runReleasing(m, false, false), kept);
        }
    }

    /**
     * A release frees every buffer a pass allocated (with the weight packing off: the memory
     * held is then what the model held before its first pass), and the passes after it hold again
     * exactly what they held before (the same slots: nothing allocated twice).
     */
    @Test void releasingBuffersFreesWhatThePassesAllocated() {
        String packedBefore = System.getProperty("conv4j.conv.packed");
        System.setProperty("conv4j.conv.packed", "false");
        try {
            for (boolean share : new boolean[] {true, false})
                for (Supplier<Model> m : List.<Supplier<Model>>of(BufferSharingTest::resnet, BufferSharingTest::chain))
                    measure(() -> withSharing(share, () -> {
                        try (Model g = m.get(); Tensor x = input(4, -1); Tensor x6 = input(6, -1);
                             Tensor dy = Tensor.zeros(g.sampleOutput().prependBatch(4).dims())) {
                            dy.fill(0.5f);
                            long built = Tensor.liveBytes();
                            Runnable passes = () -> {
                                g.train(true);
                                g.forward(x);
                                g.backward(dy, true);
                                g.train(false);
                                g.forward(x6);
                            };
                            passes.run();
                            long held = Tensor.liveBytes();
                            assertTrue(held > built, "the passes allocate");
                            g.releaseBuffers();
                            assertEquals(built, Tensor.liveBytes(), "released, sharing " + share);
                            passes.run();
                            assertEquals(held, Tensor.liveBytes(), "allocated again, sharing " + share);
                        }
                        return null;
                    }));
        } finally {
            if (packedBefore == null) System.clearProperty("conv4j.conv.packed");
            else System.setProperty("conv4j.conv.packed", packedBefore);
        }
    }

    /**
     * Training steps, an evaluation, a replica's and a folded copy's forwards, more training,
     * with {@link Model#releaseBuffers()} between them when {@code release} says so (after which
     * the last results are closed and a backward is refused).
     */
    private static List<float[]> runReleasing(Supplier<Model> model, boolean share, boolean release) {
        return withSharing(share, () -> {
            List<float[]> out = new ArrayList<>();
            Random r = new Random(8);
            try (Model g = model.get(); Tensor x3 = input(3, -1); Tensor x5 = input(5, -1)) {
                Runnable step = () -> {
                    for (Tensor x : List.of(x5, x3)) trainStep(g, x, r, out);
                };
                step.run();
                Tensor y = g.forward(x3);   // (a training forward without its backward: the statistics move in both runs)
                out.add(y.toArray());
                if (release) {
                    g.releaseBuffers();
                    assertFalse(y.isOpen(), "the last result is freed with its buffer");
                    try (Tensor dy = Tensor.zeros(y.shape().dims())) {
                        // refused by the model itself, before any op looks at what it remembers of the pass
                        String why = assertThrows(IllegalStateException.class, () -> g.backward(dy, true)).getMessage();
                        assertTrue(why.contains("released"), why);
                    }
                }
                g.train(false);
                out.add(g.forward(x5).toArray());
                if (release) g.releaseBuffers();
                try (Model f = BatchNormFolding.fold(g); Model rep = g.replica()) {
                    out.add(f.forward(x3).toArray());
                    out.add(rep.forward(x5).toArray());
                    if (release) {
                        f.releaseBuffers();
                        rep.releaseBuffers();
                    }
                    out.add(f.forward(x5).toArray());
                    out.add(rep.forward(x3).toArray());
                }
                out.add(g.forward(x3).toArray());
                g.train(true);
                step.run();
            }
            return out;
        });
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
    private static List<float[]> run(Supplier<Graph> model, boolean share, boolean inferenceOnly, int nanAt) {
        return withSharing(share, () -> {
            List<float[]> out = new ArrayList<>();
            try (Graph g = model.get()) {
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
                        trainStep(g, x, r, out);
                    }
            }
            return out;
        });
    }

    /** One step on {@code x} with a random output gradient from {@code r}: its output, input gradient, parameter gradients and state added to {@code out}. */
    private static void trainStep(Model g, Tensor x, Random r, List<float[]> out) {
        g.zeroGrad();
        Tensor y = g.forward(x);
        out.add(y.toArray());
        try (Tensor dy = Tensor.of(RandomFloats.gaussian(r, y.size()), y.shape().dims())) {
            out.add(g.backward(dy, true).toArray());
        }
        out.add(g.gradients().toArray());
        out.add(g.state().toArray());
    }

    /**
     * A training step, evaluation forwards (in the training activations' memory, then at a batch
     * the training grew to, then larger and smaller), backwards after some (frozen statistics),
     * a training step.
     */
    private static List<float[]> runEvaluation(Supplier<Graph> model, boolean share, int nanAt) {
        return withSharing(share, () -> {
            List<float[]> out = new ArrayList<>();
            try (Graph g = model.get(); Tensor x4 = input(4, nanAt); Tensor x6 = input(6, nanAt); Tensor x3 = input(3, nanAt);
                 Tensor dy3 = Tensor.zeros(g.sampleOutput().prependBatch(3).dims()); Tensor dy4 = Tensor.zeros(g.sampleOutput().prependBatch(4).dims())) {
                dy3.fill(0.5f);
                dy4.fill(-0.25f);
                g.zeroGrad();
                g.forward(x4);
                g.backward(dy4, true);
                g.train(false);
                out.add(g.forward(x4).toArray());   // in the training activations' memory
                out.add(g.backward(dy4, true).toArray());
                g.train(true);
                try (Tensor x5 = input(5, nanAt); Tensor dy5 = Tensor.zeros(g.sampleOutput().prependBatch(5).dims())) {
                    dy5.fill(0.75f);
                    out.add(g.forward(x5).toArray());   // the training buffers grow: the memory lent is freed
                    out.add(g.backward(dy5, true).toArray());
                    g.train(false);
                    out.add(g.forward(x5).toArray());   // lent again
                    out.add(g.forward(x3).toArray());
                }
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

package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.PortableKernels;
import io.github.conv4j.testing.RandomFloats;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A ReLU whose work its neighbours took over (a convolution rectifying its own output, a max
 * pooling dropping the gradient of non-positive inputs, a batch normalisation or a residual
 * addition rectifying its own output) gives bit for bit what a ReLU on its own gives: outputs, input gradients
 * and every parameter gradient, on both kernel paths, in chains and in graphs.
 */
class ReluFusionTest {
    private static List<Layer> referenceLike() {
        return List.of(new Conv2d(3, 8, 3).padding(1), new ReLU(), new MaxPool2d(2),   // both ways fused
                new Conv2d(8, 16, 3), new ReLU(), new Flatten(),                        // forward fused only
                new Linear(16 * 4 * 4, 20), new ReLU(), new Linear(20, 5));             // not fused
    }

    @Test void convReluPoolStack() {
        same(Shape.of(3, 12, 12), ReluFusionTest::referenceLike, 4, -1);
    }

    @Test void convReluPoolStackOnThePortableKernels() throws Throwable {
        PortableKernels.call(() -> {
            same(Shape.of(3, 12, 12), ReluFusionTest::referenceLike, 4, -1);
            return null;
        });
    }

    @Test void pointwiseConvAndBatchNormBeforeThePool() {
        same(Shape.of(4, 9, 10), () -> List.of(new Conv2d(4, 6, 1), new ReLU(), new MaxPool2d(2),
                new BatchNorm2d(6), new ReLU(), new MaxPool2d(2).stride(1)), 3, -1);
    }

    /** ReLU makes NaN 0; fused, the convolution must do the same. */
    @Test void nanInTheInput() {
        same(Shape.of(2, 8, 8), () -> List.of(new Conv2d(2, 19, 3).padding(1), new ReLU(), new MaxPool2d(2)), 2, 37);
    }

    /**
     * Residual blocks: bn1 → relu1 and add → relu fused forward, one block with the identity
     * shortcut (the add's input read twice, its gradient accumulated) and one with the
     * downsampling projection, in training and in evaluation mode.
     */
    @Test void residualBlocksInAGraph() {
        for (boolean training : new boolean[] {true, false}) {
            Supplier<Model> blocks = () -> {
                GraphBuilder b = new GraphBuilder(Shape.of(4, 8, 8));
                Node y = new BasicBlock(4, 4, 1).addTo(b, "layer1.0", b.input());
                y = new BasicBlock(4, 8, 2).addTo(b, "layer2.0", y);
                return b.build(y, 11).train(training);
            };
            sameModel(Shape.of(4, 8, 8), blocks, 3, -1);
            sameModel(Shape.of(4, 8, 8), blocks, 2, 29);
        }
    }

    /**
     * A CIFAR ResNet (stem, three stages, projections): the stem's and each block's first batch
     * norm taking their ReLU's backward, the block outputs' ReLUs summing their two readers'
     * gradients in their own pass, each block's second batch norm normalised by its addition;
     * running statistics included, with a NaN too, in training and evaluation.
     */
    @Test void cifarResNetInBothModes() {
        for (boolean training : new boolean[] {true, false}) {
            Supplier<Model> net = () -> io.github.conv4j.zoo.CifarResNet.ofDepth(14, 3, 5).build(Shape.of(3, 8, 8), 3).train(training);
            sameModel(Shape.of(3, 8, 8), net, 4, -1);
            sameModel(Shape.of(3, 8, 8), net, 3, 77);
        }
    }

    /**
     * The fusions are on (the bit-for-bit tests would pass without them): after a step, the fused
     * stem + blocks holds fewer activation-sized buffers: the stem ReLU's output and gradient (its
     * batch norm rectifies and masks); per block the first ReLU's output and gradient (the same),
     * the second batch norm's output (its addition normalises, so it is never written), the last
     * ReLU's output (the addition rectifies); per block but the last (whose output has no reader)
     * the gradient sum at the next block's input (that ReLU sums its two readers' gradients).
     */
    @Test void theFusedGraphKeepsFewerBuffers() {
        Shape sample = Shape.of(4, 6, 6);
        int n = 3, blocks = 2;
        long[] live = new long[2];
        // Tensor.liveBytes() is process-wide: an earlier test's unclosed tensor collected inside
        // the window lowers it, so a measurement during which Tensor.leaks() moved is taken again.
        for (int f = 0, attempts = 0; f < 2; f++) {
            long leaksBefore = Tensor.leaks();
            String before = System.getProperty("conv4j.fuse");
            System.setProperty("conv4j.fuse", Boolean.toString(f == 0));
            long start = Tensor.liveBytes();
            String sharing = System.getProperty("conv4j.shareBuffers");
            System.setProperty("conv4j.shareBuffers", "false");   // every buffer apart, counted one by one
            try (Tensor x = Tensor.zeros(sample.prependBatch(n).dims())) {
                x.fill(0.5f);
                GraphBuilder b = new GraphBuilder(sample);
                Node y = b.add("conv", new Conv2d(4, 4, 3).padding(1), b.input());
                y = b.add("relu", new ReLU(), b.add("bn", new BatchNorm2d(4), y));
                for (int i = 0; i < blocks; i++) y = new BasicBlock(4, 4, 1).addTo(b, "layer" + i, y);
                try (Model m = b.build(y, 1); Tensor dy = Tensor.zeros(y.sampleOutput().prependBatch(n).dims())) {
                    dy.fill(1f);
                    m.forward(x);
                    m.backward(dy, false);
                    live[f] = Tensor.liveBytes() - start;
                }
            } finally {
                if (before == null) System.clearProperty("conv4j.fuse");
                else System.setProperty("conv4j.fuse", before);
                if (sharing == null) System.clearProperty("conv4j.shareBuffers");
                else System.setProperty("conv4j.shareBuffers", sharing);
            }
            if (Tensor.leaks() != leaksBefore && ++attempts < 10) f--;
        }
        long activation = n * sample.size() * Float.BYTES;
        assertEquals((2L + 4L * blocks + (blocks - 1)) * activation, live[1] - live[0], "bytes the fusions save");
    }

    @Test void residualBlocksInAGraphOnThePortableKernels() throws Throwable {
        PortableKernels.call(() -> {
            sameModel(Shape.of(4, 8, 8), () -> {
                GraphBuilder b = new GraphBuilder(Shape.of(4, 8, 8));
                return b.build(new BasicBlock(4, 8, 2).addTo(b, "block", b.input()), 11);
            }, 3, -1);
            return null;
        });
    }

    private static void same(Shape sample, Supplier<List<Layer>> layers, int n, int nanAt) {
        sameModel(sample, () -> new Sequential(sample, 9, layers.get()), n, nanAt);
    }

    /** Forward and backward with fusion on and off; every output and gradient must be identical. */
    private static void sameModel(Shape sample, Supplier<Model> model, int n, int nanAt) {
        float[] x = RandomFloats.gaussian(new Random(5), n * sample.size());
        if (nanAt >= 0) x[nanAt] = Float.NaN;
        List<float[]> fused = run(sample, model, n, x, true), plain = run(sample, model, n, x, false);
        for (int i = 0; i < fused.size(); i++) {
            float[] a = fused.get(i), b = plain.get(i);
            assertEquals(b.length, a.length);
            for (int j = 0; j < a.length; j++)
                assertEquals(Float.floatToIntBits(b[j]), Float.floatToIntBits(a[j]), "array " + i + " [" + j + "]: " + a[j] + " vs " + b[j]);
        }
    }

    private static List<float[]> run(Shape sample, Supplier<Model> model, int n, float[] x, boolean fuse) {
        String before = System.getProperty("conv4j.fuse");
        System.setProperty("conv4j.fuse", Boolean.toString(fuse));
        try (Model m = model.get(); Tensor in = Tensor.of(x, sample.prependBatch(n).dims())) {
            List<float[]> out = new ArrayList<>();
            m.zeroGrad();
            Tensor y = m.forward(in);
            out.add(y.toArray());
            float[] dyv = RandomFloats.gaussian(new Random(6), y.size());
            try (Tensor dy = Tensor.of(dyv, y.shape().dims())) {
                out.add(m.backward(dy, true).toArray());
            }
            if (m.gradients() != null) out.add(m.gradients().toArray());
            if (m.state() != null) out.add(m.state().toArray());
            return out;
        } finally {
            if (before == null) System.clearProperty("conv4j.fuse");
            else System.setProperty("conv4j.fuse", before);
        }
    }
}

package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.nn.KernelChooser.Mode;
import io.github.conv4j.optim.Sgd;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.RandomFloats;
import io.github.conv4j.testing.RestoreParallelism;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A convolution's weights packed once and kept across forward calls (PackedWeights): a model
 * that keeps them must compute bit for bit what one that packs on every call computes
 * ({@code -Dconv4j.conv.packed=false}), must really reuse the packing while nothing changed,
 * and must see every change of the parameters at its next call: a {@code copyFrom} into a named
 * parameter, a {@code set}, an SGD step, a write through the pointer that is then marked, a
 * freeze. Each case runs one image (split over the workers by channels where there are two) and
 * a batch (split over the workers by images), on the fast kernels, which are the ones that pack.
 */
@ExtendWith(RestoreParallelism.class)
class PackedWeightsTest {
    private KernelChooser chooser;

    @BeforeEach void fastKernels() {
        assumeTrue(Conv4jNative.fastKernels() == 1, "only the fast kernels pack weights (x86-64 with AVX2/FMA)");
        chooser = KernelChooser.shared();
        KernelChooser.useMode(Mode.FAST);
    }

    @AfterEach void restore() {
        if (chooser != null) KernelChooser.use(chooser);
        System.clearProperty("conv4j.conv.packed");
    }

    private static Sequential model(boolean packed, int c, int side, int k, int kernel, int stride, int groups, boolean relu) {
        System.setProperty("conv4j.conv.packed", Boolean.toString(packed));
        try {
            List<Layer> layers = new ArrayList<>(List.of(new Conv2d(c, k, kernel).stride(stride).padding(kernel / 2).groups(groups),
                    new Conv2d(k, k, 3).padding(1)));
            if (relu) layers.add(1, new ReLU());
            layers.add(new Flatten());
            return new Sequential(Shape.of(c, side, side), 11, layers);
        } finally {
            System.clearProperty("conv4j.conv.packed");
        }
    }

    /** Forward of {@code x} in evaluation mode, copied out. */
    private static float[] infer(Sequential m, Tensor x) {
        m.train(false);
        return m.forward(x).toArray();
    }

    @ParameterizedTest(name = "C{0} {1}x{1} K{2} k{3} stride {4} groups {5} relu {6}, batch {7}, {8} workers")
    @CsvSource({   // 64 channels at 14x14 and more: above ChannelSplit.MIN_SPLIT_WORK, one image is split by channels
            "64, 14, 64, 3, 1, 1, true, 1, 2", "64, 14, 64, 3, 1, 1, true, 5, 2", "32, 15, 96, 5, 2, 1, false, 1, 2",
            "32, 15, 96, 5, 2, 1, false, 3, 2", "48, 9, 64, 3, 1, 2, false, 4, 2", "64, 14, 64, 3, 1, 1, true, 1, 1",
            "3, 21, 40, 3, 1, 1, false, 2, 2"})
    void matchesPackingPerCallAndSeesEveryChange(int c, int side, int k, int kernel, int stride, int groups, boolean relu,
                                                 int batch, int workers) {
        Parallelism.configure(workers, Parallelism.Mode.BATCH);
        Random r = new Random(c * 31L + k * 7L + batch);
        try (Sequential kept = model(true, c, side, k, kernel, stride, groups, relu);
             Sequential perCall = model(false, c, side, k, kernel, stride, groups, relu);
             Tensor x = Tensor.of(RandomFloats.gaussian(r, batch * c * side * side), batch, c, side, side)) {
            long packsBefore = PackedWeights.packs();   // process-wide: other tests' packings count too
            float[] first = infer(kept, x);
            long packs = PackedWeights.packs();
            assertTrue(packs > packsBefore, "the first call packed");
            float[] again = infer(kept, x);
            assertEquals(packs, PackedWeights.packs(), "an unchanged model reuses its packing");
            assertArrayEquals(first, again);
            assertArrayEquals(infer(perCall, x), again, "kept packing against packing per call");

            // Each change, made to the model that keeps its packing; the one that packs per call is
            // then given the same parameters: a stale packing would leave `kept` behind it.
            List<Consumer<Sequential>> changes = List.of(
                    m -> m.namedParameters().get("0.weight").copyFrom(RandomFloats.gaussian(r, (int) m.namedParameters().get("0.weight").size())),
                    m -> m.namedParameters().get(relu ? "2.weight" : "1.weight").set(5, 3.5f),
                    PackedWeightsTest::sgdStep,
                    m -> {   // a write through the pointer, marked as the optimisers mark theirs
                        Tensor w = m.namedParameters().get("0.weight");
                        Conv4jNative.fill(w.size(), 0, w.size() / 2, 0.25f, w.pointer());
                        w.markWritten();
                    });
            for (int i = 0; i < changes.size(); i++) {
                float[] before = infer(kept, x);
                changes.get(i).accept(kept);
                perCall.parameters().copyFrom(kept.parameters());
                float[] after = infer(kept, x);
                assertFalse(Arrays.equals(before, after), "change " + i + " changes the output");
                assertArrayEquals(infer(perCall, x), after, "change " + i + " seen at the next call");
            }
            long beforeFreeze = PackedWeights.packs();
            kept.freeze("0.");
            assertArrayEquals(infer(perCall, x), infer(kept, x), "after a freeze");
            assertTrue(PackedWeights.packs() > beforeFreeze, "a freeze drops the packing");
        }
    }

    /**
     * One image (split by channels over two workers) and a batch (split by images) of one layer
     * read one packing: on 32-channel boundaries (64 channels: parts of 32) each part's is its
     * rows of the layer's, so the first one-image call allocates no copy beyond what packing per
     * call allocates, and whichever path packed after a change, the other reuses it (no packing)
     * with the same bits; off those boundaries (96: parts of 48) each part keeps its own copy.
     */
    @ParameterizedTest(name = "C{0} {1}x{1} K{2} k{3} stride {4}, parts on panels {5}")
    @CsvSource({"64, 14, 64, 3, 1, true", "32, 15, 96, 5, 2, false"})
    void oneImageAndABatchShareOnePacking(int c, int side, int k, int kernel, int stride, boolean onPanels) {
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        Random r = new Random(c + k);
        try (Sequential kept = model(true, c, side, k, kernel, stride, 1, false);
             Sequential perCall = model(false, c, side, k, kernel, stride, 1, false);
             Tensor x1 = Tensor.of(RandomFloats.gaussian(r, c * side * side), 1, c, side, side);
             Tensor xb = Tensor.of(RandomFloats.gaussian(r, 3 * c * side * side), 3, c, side, side)) {
            assertArrayEquals(infer(perCall, xb), infer(kept, xb));
            infer(perCall, x1);   // its split's workspace, as kept's below
            long before = Tensor.liveBytes();
            float[] one = infer(kept, x1);
            long split = Tensor.liveBytes() - before;
            if (onPanels) assertEquals(0, split, "the parts packed into the layer's copy");
            assertArrayEquals(infer(perCall, x1), one);
            long packs = PackedWeights.packs();
            infer(kept, xb);
            infer(kept, x1);
            assertEquals(packs, PackedWeights.packs(), "both paths reuse what they packed");

            List<Consumer<Sequential>> changes = List.of(PackedWeightsTest::sgdStep,
                    m -> m.namedParameters().get("1.weight").set(7, -2.5f));
            for (Consumer<Sequential> change : changes)
                for (boolean oneFirst : new boolean[] {true, false}) {
                    change.accept(kept);
                    perCall.parameters().copyFrom(kept.parameters());
                    Tensor first = oneFirst ? x1 : xb, second = oneFirst ? xb : x1;
                    assertArrayEquals(infer(perCall, first), infer(kept, first), "the path that packs after the change");
                    packs = PackedWeights.packs();
                    assertArrayEquals(infer(perCall, second), infer(kept, second), "the other path");
                    if (onPanels) assertEquals(packs, PackedWeights.packs(), "the other path reads that packing");
                    else assertTrue(PackedWeights.packs() > packs, "the other path packs its own");
                }
            kept.freeze("0.");
            assertArrayEquals(infer(perCall, x1), infer(kept, x1), "after a freeze, one image");
            assertArrayEquals(infer(perCall, xb), infer(kept, xb), "after a freeze, the batch");
        }
    }

    /** One SGD step (training mode) from a random output gradient of a batch of two, leaving the model in evaluation mode. */
    private static void sgdStep(Sequential m) {
        Shape in = m.sampleInput();
        Random r = new Random(5);
        try (Tensor x = Tensor.of(RandomFloats.gaussian(r, 2 * (int) in.size()), 2, in.dim(0), in.dim(1), in.dim(2));
             Tensor dy = Tensor.of(RandomFloats.gaussian(r, 2 * (int) m.sampleOutput().size()), 2, (int) m.sampleOutput().size());
             Sgd sgd = new SgdConfig().learningRate(0.5).momentum(0.9).create(m)) {
            m.train(true);
            m.zeroGrad();
            m.forward(x);
            m.backward(dy);
            sgd.step();
            m.train(false);
        }
    }
}

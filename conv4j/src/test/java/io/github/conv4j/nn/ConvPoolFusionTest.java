package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.PortableKernels;
import io.github.conv4j.testing.RandomFloats;
import io.github.conv4j.testing.RestoreParallelism;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A convolution followed by a max pooling (directly or through a ReLU it applies itself) pools its
 * own output chunk by chunk (Sequential.fusePools, c4j_conv2d_forward_pool): the pooled output, the
 * input gradient and the parameter gradients must be the unfused model's bit for bit, on 1, 2 and
 * 3 workers, at batches that leave ragged chunks and shards and at a batch of one (which the
 * convolution splits by channels, unfused), on the AVX-512 kernels, the AVX2 ones and the portable
 * path. The reference CNN's two first layers, a 1×1 convolution (no lowering scratch of its own),
 * and an overlapping padded 3×3/2 pooling after a strided convolution without a ReLU.
 */
@ExtendWith(RestoreParallelism.class)
class ConvPoolFusionTest {
    /** The models, by index: each a sample input and its layers. */
    private static final List<Supplier<List<Layer>>> MODELS = List.of(
            () -> List.of(new Conv2d(1, 32, 5).padding(2), new ReLU(), new MaxPool2d(2)),
            () -> List.of(new Conv2d(32, 64, 5).padding(2), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(64 * 49, 10)),
            () -> List.of(new Conv2d(6, 8, 1), new ReLU(), new MaxPool2d(2)),
            () -> List.of(new Conv2d(3, 5, 3).stride(2).padding(1), new MaxPool2d(3).stride(2).padding(1).ceilMode(true)));
    private static final List<Shape> INPUTS = List.of(Shape.of(1, 28, 28), Shape.of(32, 14, 14), Shape.of(6, 9, 11),
            Shape.of(3, 17, 20));

    @ParameterizedTest(name = "model {0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void fusedGivesTheUnfusedBitsOnEveryPathAndWorkerCount(int model) throws Throwable {
        int before = Conv4jNative.avx512Kernels();
        try {
            for (int avx512 = Conv4jNative.avx512Available(); avx512 >= 0; avx512--) {
                Conv4jNative.setAvx512(avx512);
                compare(model);
            }
        } finally {
            Conv4jNative.setAvx512(before);
        }
        PortableKernels.call(() -> { compare(model); return null; });
    }

    private static void compare(int model) {
        for (int workers = 1; workers <= 3; workers++) {
            List<float[]> fused = run(model, workers, true), unfused = run(model, workers, false);
            assertEquals(unfused.size(), fused.size());
            for (int i = 0; i < fused.size(); i++)
                assertArrayEquals(unfused.get(i), fused.get(i), "model " + model + ", " + workers + " workers, result " + i);
        }
    }

    /**
     * Forward and backward at batches 7, 1 and 64 (in that order: the fused path, the unfused
     * one-image split, the fused path again) of one model, then in evaluation mode, then after
     * {@link Model#releaseBuffers}, with the gradients summed over all: the outputs, input
     * gradients and finally the parameter gradients.
     */
    private static List<float[]> run(int model, int workers, boolean fuse) {
        Parallelism.configure(workers, Parallelism.Mode.BATCH);
        Shape in = INPUTS.get(model);
        List<float[]> out = new ArrayList<>();
        try (Sequential m = build(model, fuse)) {
            assertEquals(fuse, m.poolFused(0), "fused");
            Random r = new Random(model * 131L + 7);
            m.zeroGrad();
            for (int n : new int[] {7, 1, 64}) pass(m, r, in, n, out);
            // an evaluation forward (unfused: the pooling's values-only kernel) and an input gradient
            // after it; then the buffers released and a training pass again (fused)
            m.train(false);
            pass(m, r, in, 9, out);
            m.train(true);
            m.releaseBuffers();
            pass(m, r, in, 7, out);
            out.add(m.gradients().toArray());
        }
        return out;
    }

    /** A forward and backward of {@code n} random images, their output and input gradient added to {@code out}. */
    private static void pass(Sequential m, Random r, Shape in, int n, List<float[]> out) {
        try (Tensor x = Tensor.of(RandomFloats.gaussian(r, n * in.size()), in.prependBatch(n).dims())) {
            Tensor y = m.forward(x);
            out.add(y.toArray());
            try (Tensor dy = Tensor.of(RandomFloats.gaussian(r, y.size()), y.shape().dims())) {
                out.add(m.backward(dy, true).toArray());
            }
        }
    }

    private static Sequential build(int model, boolean fuse) {
        String was = System.getProperty("conv4j.fuse.pool");
        System.setProperty("conv4j.fuse.pool", Boolean.toString(fuse));
        try {
            return new Sequential(INPUTS.get(model), 5, MODELS.get(model).get());
        } finally {
            if (was == null) System.clearProperty("conv4j.fuse.pool");
            else System.setProperty("conv4j.fuse.pool", was);
        }
    }

    /** The pooled values are the convolution's: a wrong offset in the chunked pooling would show here, not only against itself. */
    @Test
    void pooledOutputIsTheMaximumOfTheRectifiedConvolution() {
        Parallelism.configure(2, Parallelism.Mode.BATCH);
        Shape in = INPUTS.get(0);
        Random r = new Random(3);
        int n = 5;
        float[] xv = RandomFloats.gaussian(r, n * in.size());
        try (Sequential fused = build(0, true);
             Sequential conv = new Sequential(in, 5, List.of(new Conv2d(1, 32, 5).padding(2), new ReLU()));
             Tensor x = Tensor.of(xv, in.prependBatch(n).dims())) {
            float[] c = conv.forward(x).toArray(), p = fused.forward(x).toArray();
            boolean positive = false;
            for (int i = 0; i < n * 32; i++)
                for (int u = 0; u < 14; u++)
                    for (int v = 0; v < 14; v++) {
                        float max = Float.NEGATIVE_INFINITY;
                        for (int a = 0; a < 2; a++)
                            for (int b = 0; b < 2; b++) max = Math.max(max, c[(i * 28 + 2 * u + a) * 28 + 2 * v + b]);
                        float got = p[(i * 14 + u) * 14 + v];
                        assertEquals(max, got, 0f, "plane " + i + " at " + u + "," + v);
                        positive |= got > 0;
                    }
            assertTrue(positive, "some pooled value is positive");
        }
    }

    /** Off by switch, and not where a ReLU between is not the convolution's (conv4j.fuse=false keeps every ReLU apart). */
    @Test
    void fusesOnlyWhereTheConvolutionComputesWhatThePoolingReads() {
        String was = System.getProperty("conv4j.fuse");
        System.setProperty("conv4j.fuse", "false");
        try (Sequential m = new Sequential(INPUTS.get(0), 5, MODELS.get(0).get())) {
            assertFalse(m.poolFused(0));
        } finally {
            if (was == null) System.clearProperty("conv4j.fuse");
            else System.setProperty("conv4j.fuse", was);
        }
        try (Sequential m = new Sequential(Shape.of(2, 8, 8), 5,
                List.of(new Conv2d(2, 3, 3), new Sigmoid(), new MaxPool2d(2)))) {
            assertFalse(m.poolFused(0), "a sigmoid between");
        }
        try (Sequential m = build(0, true)) {
            assertTrue(m.poolFused(0));
            assertTrue(m.poolFused(1), "the ReLU the convolution applies");
            assertFalse(m.poolFused(2), "the pooling computes its output");
        }
    }
}

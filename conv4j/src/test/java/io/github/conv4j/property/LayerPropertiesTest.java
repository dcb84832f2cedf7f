package io.github.conv4j.property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.PortableKernels;
import io.github.conv4j.testing.Reference;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Random valid convolution and pooling geometries (see {@link ValidGeometries}): the layer
 * accepts every one, its output shape follows {@code (n + 2p − d)/s + 1}, and forward and every
 * gradient match the double-precision reference, on the fast kernels (where the CPU has them) and
 * on the portable ones. Refusals of invalid geometries are {@link InvalidGeometryPropertiesTest}.
 * CI runs a few hundred tries; for 10,000:
 * {@code mvn test -Dtest=LayerPropertiesTest -Djqwik.tries.default=10000}.
 */
class LayerPropertiesTest {

    private static float[] random(long n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextDouble() * 2 - 1);
        return v;
    }

    private static void close(double[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++)
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol * (1 + Math.abs(expected[i])),
                    what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
    }

    /** y, dx and the parameter gradients of one forward and backward pass of {@code layer} alone. */
    private static float[][] run(Layer layer, Shape in, float[] x, float[] dy) {
        try (Sequential m = new Sequential(in.dropBatch(), 3, List.of(layer)); Tensor xt = Tensor.of(x, in.dims())) {
            float[] y = m.forward(xt).toArray();
            try (Tensor dyt = Tensor.of(dy, m.sampleOutput().prependBatch(in.dim(0)).dims())) {
                m.zeroGrad();
                float[] dx = m.backward(dyt, true).toArray();
                List<Tensor> params = m.parameters(0), grads = m.gradients(0);
                float[][] out = new float[2 + 2 * params.size()][];
                out[0] = y;
                out[1] = dx;
                for (int i = 0; i < params.size(); i++) {
                    out[2 + i] = params.get(i).toArray();
                    out[2 + params.size() + i] = grads.get(i).toArray();
                }
                return out;
            }
        }
    }

    /** The kernel paths this machine has: both where the fast (AVX2/FMA) kernels run, else the portable one. */
    private interface Check { void on(String kernels) throws Throwable; }

    private static void onEveryKernelPath(Check check) throws Throwable {
        if (Conv4jNative.fastKernels() == 1) check.on("fast kernels");
        PortableKernels.call(() -> { check.on("portable kernels"); return null; });
    }

    @Provide Arbitrary<ValidGeometries.Conv> convolutions() { return ValidGeometries.convolutions(); }
    @Provide Arbitrary<ValidGeometries.Pool> poolings() { return ValidGeometries.poolings(); }

    /** Every feature must show up in a good share of the tries, or the property tests less than it claims. */
    private static void feature(String name, boolean present) {
        Statistics.label(name).collect(present);
        Statistics.label(name).coverage(c -> c.check(true).percentage(p -> p >= 15));
    }

    @Property
    void conv2dMatchesTheReference(@ForAll("convolutions") ValidGeometries.Conv g) throws Throwable {
        feature("stride > 1", g.height().stride() > 1 || g.width().stride() > 1);
        feature("padding > 0", g.height().padding() > 0 || g.width().padding() > 0);
        feature("dilation > 1", g.height().dilation() > 1 || g.width().dilation() > 1);
        feature("groups > 1", g.groups() > 1);
        feature("input rows or columns no window reaches", g.height().leavesRowsUncovered() || g.width().leavesRowsUncovered());
        feature("no bias", !g.bias());
        Shape in = g.input();
        assertEquals(g.expectedOutput(), g.layer().outputShape(in), g.layer().describe() + " on " + in);
        float[] x = random(in.size(), 1), dy = random(g.expectedOutput().size(), 2);
        onEveryKernelPath(kernels -> {
            float[][] r = run(g.layer(), in, x, dy);
            // The layer's own initial weights and bias go into the reference.
            double[][] ref = Reference.conv(g.reference(), x, r[2], g.bias() ? r[3] : null, dy);
            String what = g.layer().describe() + " on " + in + ", " + kernels + ": ";
            close(ref[0], r[0], 1e-4, what + "y");
            close(ref[1], r[1], 1e-4, what + "dx");
            close(ref[2], r[g.bias() ? 4 : 3], 1e-4, what + "dw");
            if (g.bias()) close(ref[3], r[5], 1e-4, what + "db");
        });
    }

    @Property
    void maxPoolMatchesTheReference(@ForAll("poolings") ValidGeometries.Pool g) throws Throwable {
        feature("stride differs from the kernel", g.stride() != g.kernel());
        feature("padding > 0", g.padding() > 0);
        feature("input rows or columns no window reaches", g.height().leavesRowsUncovered() || g.width().leavesRowsUncovered());
        Shape in = g.input(), out = g.expectedOutput();
        assertEquals(out, g.layer().outputShape(in), g.layer().describe() + " on " + in);
        float[] x = random(in.size(), 4), dy = random(out.size(), 5);
        double[][] ref = Reference.maxPool(g.batch(), g.channels(), g.inputHeight(), g.inputWidth(), g.kernel(), g.stride(), g.padding(),
                out.dim(2), out.dim(3), x, dy);
        onEveryKernelPath(kernels -> {
            float[][] r = run(g.layer(), in, x, dy);
            String what = g.layer().describe() + " on " + in + ", " + kernels + ": ";
            close(ref[0], r[0], 0, what + "y");
            close(ref[1], r[1], 1e-6, what + "dx");
        });
    }
}

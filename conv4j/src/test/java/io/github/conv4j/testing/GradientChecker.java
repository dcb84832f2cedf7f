package io.github.conv4j.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Finite-difference gradient checks (after Caffe's GradientChecker): for L = Σ y·dy with a random
 * dy, the input and parameter gradients of the native backward must match central differences
 * of the native forward, with L summed in double precision.
 */
public final class GradientChecker {
    private final double step, threshold;
    private final int samples;

    public GradientChecker(double step, double threshold, int samplesPerTensor) {
        this.step = step;
        this.threshold = threshold;
        this.samples = samplesPerTensor;
    }

    public GradientChecker() { this(1e-2, 2e-2, 40); }

    /**
     * Checks one layer on a batch. {@code x} generates the input values: inputs of kinked layers
     * (max, ReLU) should keep a margin larger than the step from their kinks.
     */
    public void check(Layer layer, Shape batchInput, float[] x, long seed) {
        try (Sequential model = new Sequential(batchInput.dropBatch(), seed, List.of(layer))) {
            check(model, batchInput, x, seed);
        }
    }

    /**
     * Checks a whole model (a {@link io.github.conv4j.nn.Graph} with fan-out and merges, say) on a
     * batch: the input gradient and every named parameter's gradient. The model stays the caller's.
     */
    public void check(Model model, Shape batchInput, float[] x, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        try (Tensor input = Tensor.of(x, batchInput.dims())) {
            Shape outShape = model.sampleOutput().prependBatch(batchInput.dim(0));
            float[] dyValues = new float[(int) outShape.size()];
            for (int i = 0; i < dyValues.length; i++) dyValues[i] = (float) (rng.nextDouble() * 2 - 1);
            try (Tensor dy = Tensor.of(dyValues, outShape.dims())) {
                model.zeroGrad();
                model.forward(input);
                float[] dx = model.backward(dy, true).toArray();
                compare("input", model, input, dx, dyValues, input, rng);
                for (var p : model.namedParameters().entrySet()) {
                    float[] analytic = model.namedGradients().get(p.getKey()).toArray();
                    compare("parameter " + p.getKey(), model, input, analytic, dyValues, p.getValue(), rng);
                }
            }
        }
    }

    private void compare(String what, Model model, Tensor input, float[] analytic, float[] dy, Tensor wrt,
                         SplittableRandom rng) {
        int n = (int) wrt.size();
        int count = Math.min(samples, n);
        for (int s = 0; s < count; s++) {
            int i = count == n ? s : rng.nextInt(n);
            float original = wrt.get(i);
            wrt.set(i, (float) (original + step));
            double plus = objective(model, input, dy);
            wrt.set(i, (float) (original - step));
            double minus = objective(model, input, dy);
            wrt.set(i, original);
            double numeric = (plus - minus) / (2 * step);
            double scale = Math.max(1.0, Math.max(Math.abs(numeric), Math.abs(analytic[i])));
            assertTrue(Math.abs(numeric - analytic[i]) <= threshold * scale,
                    what + "[" + i + "]: analytic " + analytic[i] + ", numeric " + numeric);
        }
    }

    private static double objective(Model model, Tensor input, float[] dy) {
        float[] y = model.forward(input).toArray();
        double sum = 0;
        for (int i = 0; i < y.length; i++) sum += (double) y[i] * dy[i];
        return sum;
    }

    /** Uniform values in (−1, 1), each at least {@code margin} away from 0. */
    public static float[] awayFromZero(int n, double margin, SplittableRandom rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble() * 2 - 1;
            v[i] = (float) (Math.signum(u) * (margin + Math.abs(u)));
        }
        return v;
    }

    /** A random permutation of n values spaced {@code gap} apart: no ties within a step. */
    public static float[] distinct(int n, double gap, SplittableRandom rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) ((i - n / 2.0) * gap);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float t = v[i]; v[i] = v[j]; v[j] = t;
        }
        return v;
    }

    public static float[] uniform(int n, SplittableRandom rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rng.nextDouble() * 2 - 1);
        return v;
    }
}

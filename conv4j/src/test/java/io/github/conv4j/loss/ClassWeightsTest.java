package io.github.conv4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Class weights with PyTorch's {@code cross_entropy(weight=, label_smoothing=)} semantics: the mean over the targets' weights. */
class ClassWeightsTest {
    /**
     * PyTorch's formula as PyTorch computes it: (1 − ε)·(weighted NLL mean) + (ε/C)·Σ_i Σ_j w_j·(−log p_ij) / Σ_i w[y_i].
     */
    private static double pytorchLoss(double[] z, int[] y, float[] w, double eps, int n, int c) {
        double nll = 0, smooth = 0, total = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < c; j++) max = Math.max(max, z[i * c + j]);
            for (int j = 0; j < c; j++) sum += Math.exp(z[i * c + j] - max);
            double lse = max + Math.log(sum);
            nll += w[y[i]] * (lse - z[i * c + y[i]]);
            for (int j = 0; j < c; j++) smooth += w[j] * (lse - z[i * c + j]);
            total += w[y[i]];
        }
        return (1 - eps) * nll / total + eps / c * smooth / total;
    }

    private static IntTensor labels(int[] values) {
        IntTensor t = new IntTensor(values.length);
        t.copyFrom(values, 0, values.length);
        return t;
    }

    private static float loss(SoftmaxCrossEntropy ce, float[] logits, int[] labels, int n, int c) {
        try (Tensor t = Tensor.of(logits, n, c); IntTensor l = labels(labels)) { return ce.forward(t, l); }
    }

    @Test void aHandComputedCase() {
        // Both rows have probabilities 1/4, 3/4; labels 0 and 1 with weights 1 and 3. Unsmoothed:
        // (1·ln 4 + 3·ln 4/3)/4. With ε = 0.2: 0.8 of that plus (ε/C)·Σ_i Σ_j w_j·(−log p_ij)/W = 0.1·2·(ln 4 + 3·ln 4/3)/4.
        float ln3 = (float) Math.log(3);
        float[] logits = {0, ln3, 0, ln3};
        double a = Math.log(4) + 3 * Math.log(4.0 / 3);
        try (SoftmaxCrossEntropy plain = new SoftmaxCrossEntropy(0, new float[] {1, 3});
             SoftmaxCrossEntropy smoothed = new SoftmaxCrossEntropy(0.2, new float[] {1, 3})) {
            assertEquals(a / 4, loss(plain, logits, new int[] {0, 1}, 2, 2), 1e-6);
            assertEquals(0.8 * a / 4 + 0.1 * 2 * a / 4, loss(smoothed, logits, new int[] {0, 1}, 2, 2), 1e-6);   // 0.5623
        }
    }

    @Test void matchesPyTorchsFormulaAndFiniteDifferences() {
        int n = 5, c = 4;
        Random r = new Random(3);
        float[] logits = new float[n * c];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) r.nextGaussian() * 2;
        int[] labels = {0, 3, 3, 1, 2};
        float[] w = {0.5f, 2f, 0f, 1.25f};
        for (double eps : new double[] {0, 0.1}) {
            try (SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(eps, w)) {
                double[] z = new double[logits.length];
                for (int i = 0; i < z.length; i++) z[i] = logits[i];
                assertEquals(pytorchLoss(z, labels, w, eps, n, c), loss(ce, logits, labels, n, c), 1e-6, "loss, ε " + eps);
                float[] grad;
                try (Tensor t = Tensor.of(logits, n, c); IntTensor l = labels(labels)) {
                    ce.forward(t, l);
                    grad = ce.gradient().toArray();
                }
                double h = 1e-4;
                for (int k = 0; k < z.length; k++) {
                    double[] up = z.clone(), down = z.clone();
                    up[k] += h;
                    down[k] -= h;
                    double numeric = (pytorchLoss(up, labels, w, eps, n, c) - pytorchLoss(down, labels, w, eps, n, c)) / (2 * h);
                    assertEquals(numeric, grad[k], 1e-6, "dlogits[" + k + "], ε " + eps);
                }
            }
        }
    }

    @Test void unitWeightsAreTheUnweightedLoss() {
        float[] logits = {1, -2, 0.5f, 3, 0, -1};
        try (SoftmaxCrossEntropy plain = new SoftmaxCrossEntropy(0.1); SoftmaxCrossEntropy ones = new SoftmaxCrossEntropy(0.1, new float[] {1, 1, 1})) {
            assertEquals(loss(plain, logits, new int[] {2, 0}, 2, 3), loss(ones, logits, new int[] {2, 0}, 2, 3), 1e-7);
        }
    }

    @Test void badWeightsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SoftmaxCrossEntropy(0, new float[] {1, -1}));
        assertEquals("SoftmaxCrossEntropy: classWeights[1] must be non-negative and finite, got -1.0", e.getMessage());
        try (SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(0, new float[] {1, 2})) {
            e = assertThrows(IllegalArgumentException.class, () -> loss(ce, new float[] {0, 0, 0}, new int[] {0}, 1, 3));
            assertEquals("SoftmaxCrossEntropy: 2 class weights for 3 classes", e.getMessage());
        }
        try (SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(0, new float[] {0, 2})) {
            RuntimeException z = assertThrows(RuntimeException.class, () -> loss(ce, new float[] {0, 0}, new int[] {0}, 1, 2));
            assertTrue(z.getMessage().contains("weight 0"), z.getMessage());
        }
    }
}

package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.io.ModelFile;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dropout draws its masks from the model's seed, its position and the model's training step. */
class DropoutSeedTest {
    private static final int N = 20_000;
    @TempDir Path tmp;

    /** The outputs of a training forward of ones through {@code m}. */
    private static float[] forwardOnes(Sequential m) {
        float[] ones = new float[N];
        Arrays.fill(ones, 1f);
        try (Tensor x = Tensor.of(ones, 1, N)) {
            return m.forward(x).toArray();
        }
    }

    private static double kept(float[] y) {
        int k = 0;
        for (float v : y) if (v != 0) k++;
        return (double) k / y.length;
    }

    @Test void twoDropoutLayersOfOneModelDrawIndependentMasks() {
        // The same mask twice would keep half of the units; independent masks keep a quarter.
        try (Sequential m = new Sequential(Shape.of(N), 7, List.of(new Dropout(0.5), new Dropout(0.5)))) {
            double share = kept(forwardOnes(m));
            assertTrue(share > 0.23 && share < 0.27, "share kept by two p=0.5 layers: " + share);
        }
    }

    @Test void masksChangeEveryStepAndWithTheModelSeed() {
        try (Sequential a = new Sequential(Shape.of(N), 7, List.of(new Dropout(0.5)));
             Sequential b = new Sequential(Shape.of(N), 8, List.of(new Dropout(0.5)))) {
            float[] first = forwardOnes(a), second = forwardOnes(a), otherSeed = forwardOnes(b);
            assertEquals(2, a.trainingSteps());
            assertFalse(Arrays.equals(first, second), "step 1 repeats the mask of step 0");
            assertFalse(Arrays.equals(first, otherSeed), "seeds 7 and 8 draw the same mask");
        }
    }

    @Test void aSavedModelDrawsTheSameMasksAfterLoadingAtTheSameStep() throws Exception {
        Path file = tmp.resolve("dropout.c4j");
        float[] expected;
        try (Sequential m = new Sequential(Shape.of(N), 7, List.of(new Dropout(0.4)))) {
            ModelFile.save(file, m, Map.of());
            forwardOnes(m);
            forwardOnes(m);
            expected = forwardOnes(m);   // step 2
        }
        try (ModelFile.Loaded loaded = ModelFile.load(file); Sequential m = loaded.sequential()) {
            assertEquals(7, m.seed());
            m.train(true).setTrainingSteps(2);
            assertArrayEquals(expected, forwardOnes(m));
        }
    }

    @Test void anExplicitSeedIsKeptThroughTheModelFile() throws Exception {
        Path file = tmp.resolve("explicit.c4j");
        try (Sequential m = new Sequential(Shape.of(N), 7, List.of(new Dropout(0.4, 123)))) {
            ModelFile.save(file, m, Map.of());
        }
        try (ModelFile.Loaded loaded = ModelFile.load(file); Sequential m = loaded.sequential();
             Sequential other = new Sequential(Shape.of(N), 99, List.of(new Dropout(0.4, 123)))) {
            assertEquals("Dropout p=0.4 seed=123", m.layers().get(0).spec());
            m.train(true);
            assertArrayEquals(forwardOnes(other), forwardOnes(m), "a fixed seed gives the same masks in any model");
        }
    }
}

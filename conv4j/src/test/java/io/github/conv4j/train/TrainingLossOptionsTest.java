package io.github.conv4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.BatchConfig;
import io.github.conv4j.data.Batches;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.optim.Sgd;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Trainer applies gradient clipping and the loss's class weights as its configuration says. */
class TrainingLossOptionsTest {
    static Dataset train, test;

    @BeforeAll static void load() throws IOException {
        Path sample = Path.of("data", "fashion-mnist-sample");
        train = Dataset.load(sample, "train", 10).first(640);
        test = Dataset.load(sample, "t10k", 10).first(500);
    }

    private static TrainingConfig config() {
        return new TrainingConfig().epochs(1).batchSize(64).normalization(Normalization.FASHION_MNIST).log(TrainerTest.QUIET);
    }

    @Test void aClippedStepMovesTheParametersByAtMostLrTimesTheMaximum() throws IOException {
        try (Sequential m = new Sequential(Shape.of(1, 28, 28), 1, TrainerTest.small()); Sgd sgd = new SgdConfig().learningRate(0.5).create(m)) {
            float[] before = m.parameters().toArray();
            new Trainer(m, sgd, config().clipGradientNorm(1e-3)).fit(train.first(64), test);   // one step
            float[] after = m.parameters().toArray();
            double moved = 0;
            for (int i = 0; i < before.length; i++) moved += Math.pow(after[i] - before[i], 2);
            assertTrue(Math.sqrt(moved) <= 0.5 * 1e-3 * (1 + 1e-4), "the step's length " + Math.sqrt(moved));
            assertTrue(Math.sqrt(moved) > 0.5 * 1e-3 * 0.99, "the gradient was clipped to the maximum, not zeroed: " + Math.sqrt(moved));
        }
    }

    /** How many test images the model calls class 0. */
    private static int predictedZeros(Sequential m) {
        int zeros = 0;
        m.train(false);
        try (Batches b = new BatchConfig().batchSize(100).normalization(Normalization.FASHION_MNIST).inOrder().create(test)) {
            b.startEpoch(0);
            while (b.next()) {
                Tensor out = m.forward(b.images());
                for (int i = 0; i < b.size(); i++) {
                    int best = 0;
                    for (int j = 1; j < 10; j++) if (out.get((long) i * 10 + j) > out.get((long) i * 10 + best)) best = j;
                    zeros += best == 0 ? 1 : 0;
                }
            }
        }
        return zeros;
    }

    @Test void aHeavilyWeightedClassIsPredictedMoreOften() throws IOException {
        float[] weights = {20, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        int plain, weighted;
        try (Sequential m = new Sequential(Shape.of(1, 28, 28), 1, TrainerTest.small()); Sgd sgd = new SgdConfig().learningRate(0.02).momentum(0.9).create(m)) {
            new Trainer(m, sgd, config()).fit(train, test);
            plain = predictedZeros(m);
        }
        try (Sequential m = new Sequential(Shape.of(1, 28, 28), 1, TrainerTest.small()); Sgd sgd = new SgdConfig().learningRate(0.02).momentum(0.9).create(m)) {
            new Trainer(m, sgd, config().classWeights(weights).labelSmoothing(0.1)).fit(train, test);
            weighted = predictedZeros(m);
        }
        assertTrue(weighted > plain + 20, "class 0 predicted " + weighted + " times with weight 20, " + plain + " times unweighted");
    }

    @Test void badLossOptionsNameTheOptionAndValue() {
        assertEquals("labelSmoothing must be in [0, 1], got 1.5", assertThrows(IllegalArgumentException.class, () -> config().labelSmoothing(1.5)).getMessage());
        assertEquals("SoftmaxCrossEntropy: classWeights[0] must be non-negative and finite, got NaN",
                assertThrows(IllegalArgumentException.class, () -> config().classWeights(Float.NaN)).getMessage());
        assertEquals("clipGradientNorm must be positive and finite, got -1.0", assertThrows(IllegalArgumentException.class, () -> config().clipGradientNorm(-1)).getMessage());
    }
}

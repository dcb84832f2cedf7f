package io.github.conv4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.BatchConfig;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Dropout;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.optim.Sgd;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.tensor.Shape;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training on the shipped sample: the loss falls, accuracy rises, resuming is exact, divergence is caught. */
class TrainerTest {
    static Dataset train, test;
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir Path tmp;

    @BeforeAll static void load() throws IOException {
        Path sample = Path.of("data", "fashion-mnist-sample");
        train = Dataset.load(sample, "train", 10).first(6400);
        test = Dataset.load(sample, "t10k", 10).first(1000);
    }

    static List<Layer> small() {
        return List.of(new Conv2d(1, 8, 5).padding(2), new ReLU(), new MaxPool2d(2), new Conv2d(8, 16, 5).padding(2), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Linear(784, 10));
    }

    private TrainingConfig config(int epochs) {
        return new TrainingConfig().epochs(epochs).batchSize(64).seed(42).normalization(Normalization.FASHION_MNIST).log(QUIET);
    }

    private static Sgd sgd(Sequential m, double lr) { return new SgdConfig().learningRate(lr).momentum(0.9).create(m); }

    @Test void lossFallsAndAccuracyRisesOverAFewHundredSteps() throws IOException {
        try (Sequential m = new Sequential(Shape.of(1, 28, 28), 1, small()); Sgd sgd = sgd(m, 0.01)) {
            Evaluation before = Evaluation.of(m, new BatchConfig().batchSize(250).normalization(Normalization.FASHION_MNIST).create(test));
            List<EpochResult> h = new Trainer(m, sgd, config(3)).fit(train, test);  // 300 steps
            assertEquals(3, h.size());
            assertTrue(before.accuracy() < 0.3, "untrained accuracy is near chance: " + before.accuracy());
            assertTrue(h.get(2).trainLoss() < 0.7 * h.get(0).trainLoss(), "loss falls: " + h);
            assertTrue(h.get(2).testAccuracy() > 0.78, "test accuracy after 300 steps: " + h.get(2).testAccuracy());
        }
    }

    @Test void resumingFromACheckpointEqualsAnUninterruptedRun() throws IOException {
        assertResumeIsExact(small(), 99);   // another seed: parameters come from the checkpoint
    }

    /** Dropout's masks follow the model's training steps, which the checkpoint carries. */
    @Test void resumingWithDropoutEqualsAnUninterruptedRun() throws IOException {
        List<Layer> layers = new java.util.ArrayList<>(small());
        layers.add(layers.size() - 1, new Dropout(0.3));
        assertResumeIsExact(layers, 1);
    }

    private void assertResumeIsExact(List<Layer> layers, long resumedSeed) throws IOException {
        Dataset tiny = train.first(640);
        float[] straight;
        try (Sequential m = new Sequential(Shape.of(1, 28, 28), 1, layers); Sgd sgd = sgd(m, 0.01)) {
            new Trainer(m, sgd, config(2).checkpoint(tmp.resolve("a.ckpt"))).fit(tiny, test.first(100));
            straight = m.parameters().toArray();
        }
        Path ck = tmp.resolve("b.ckpt");
        try (Sequential m = new Sequential(Shape.of(1, 28, 28), 1, layers); Sgd sgd = sgd(m, 0.01)) {
            new Trainer(m, sgd, config(1).checkpoint(ck)).fit(tiny, test.first(100));
        }
        try (Sequential m = new Sequential(Shape.of(1, 28, 28), resumedSeed, layers); Sgd sgd = sgd(m, 0.01)) {
            List<EpochResult> h = new Trainer(m, sgd, config(2).checkpoint(ck).resume()).fit(tiny, test.first(100));
            assertEquals(2, h.size(), "history carries over");
            assertArrayEquals(straight, m.parameters().toArray());
        }
    }

    @Test void divergenceStopsWithTheLayerAndKeepsTheCheckpoint() throws IOException {
        Path ck = tmp.resolve("c.ckpt");
        Dataset tiny = train.first(640);
        try (Sequential m = new Sequential(Shape.of(1, 28, 28), 1, small()); Sgd sgd = sgd(m, 0.01)) {
            new Trainer(m, sgd, config(1).checkpoint(ck)).fit(tiny, test.first(100));
        }
        byte[] good = Files.readAllBytes(ck);
        try (Sequential m = new Sequential(Shape.of(1, 28, 28), 1, small()); Sgd sgd = sgd(m, 1e9)) {
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> new Trainer(m, sgd, config(3).checkpoint(ck).resume()).fit(tiny, test.first(100)));
            assertTrue(e.getMessage().contains("epoch 2") && e.getMessage().contains("layer"), e.getMessage());
        }
        assertArrayEquals(good, Files.readAllBytes(ck), "the last good checkpoint is untouched");
    }
}

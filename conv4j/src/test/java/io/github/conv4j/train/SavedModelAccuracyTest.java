package io.github.conv4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.conv4j.data.BatchConfig;
import io.github.conv4j.data.Batches;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.infer.Classifier;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.optim.Sgd;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.tensor.Shape;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model saved by the library with no metadata of the caller's predicts through Classifier.load exactly as training measured. */
class SavedModelAccuracyTest {
    @TempDir Path tmp;

    @Test void classifierLoadReproducesTheTestAccuracyTrainingReported() throws IOException {
        Path sample = Path.of("data", "fashion-mnist-sample");
        Dataset train = Dataset.loadFashionMnist(sample, "train").first(3200), test = Dataset.loadFashionMnist(sample, "t10k").first(1000);
        Path file = tmp.resolve("model.c4j");
        double trained;
        try (Sequential m = new Sequential(Shape.of(1, 28, 28), 1, TrainerTest.small()); Sgd sgd = new SgdConfig().learningRate(0.01).momentum(0.9).create(m)) {
            TrainingConfig config = new TrainingConfig().epochs(1).normalization(Normalization.FASHION_MNIST)
                    .log(new PrintStream(OutputStream.nullOutputStream()));
            List<EpochResult> h = new Trainer(m, sgd, config).fit(train, test);
            trained = h.get(0).testAccuracy();
            ModelFile.save(file, m, Map.of());   // what the README does: no metadata of its own
        }
        int correct = 0;
        try (Classifier c = Classifier.load(file); Batches raw = new BatchConfig().batchSize(1).inOrder().create(test)) {
            assertEquals(List.of(), c.warnings());
            assertEquals(Dataset.FASHION_MNIST_CLASSES, c.labels());
            for (int i = 0; raw.next(); i++)
                if (c.predict(raw.images().toArray(), 1).get(0).classIndex() == test.label(i)) correct++;
        }
        double loaded = (double) correct / test.size();
        System.out.printf("1 epoch on 3,200 sample images: training reported %.2f%%, Classifier.load gives %.2f%%%n", 100 * trained, 100 * loaded);
        assertEquals(trained, loaded, 1e-9);
    }
}

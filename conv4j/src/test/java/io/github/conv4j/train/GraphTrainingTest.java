package io.github.conv4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.infer.Classifier;
import io.github.conv4j.infer.Prediction;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.BasicBlock;
import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.optim.Sgd;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.tensor.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Trainer and optimisers take any Model: a small residual network learns, and resuming its checkpoint is exact. */
class GraphTrainingTest {
    @TempDir Path tmp;

    static Graph tinyResNet(long seed) {
        GraphBuilder b = new GraphBuilder(Shape.of(1, 28, 28));
        Node s = b.add("conv1", new Conv2d(1, 8, 3).padding(1).bias(false), b.input());
        s = b.add("relu", new ReLU(), b.add("bn1", new BatchNorm2d(8), s));
        s = b.add("maxpool", new MaxPool2d(2), s);
        s = new BasicBlock(8, 8, 1).addTo(b, "layer1.0", s);
        s = new BasicBlock(8, 16, 2).addTo(b, "layer2.0", s);
        s = b.add("flatten", new Flatten(), b.add("avgpool", new GlobalAvgPool2d(), s));
        return b.build(b.add("fc", new Linear(16, 10), s), seed);
    }

    private static TrainingConfig config(int epochs) {
        return new TrainingConfig().epochs(epochs).batchSize(64).seed(42).normalization(Normalization.FASHION_MNIST).log(TrainerTest.QUIET);
    }

    private static Sgd sgd(Graph g) { return new SgdConfig().learningRate(0.05).momentum(0.9).create(g); }

    @Test void aResidualGraphLearnsAndResumesExactly() throws IOException {
        Path sample = Path.of("data", "fashion-mnist-sample");
        Dataset all = Dataset.load(sample, "train", 10).first(6400), test = Dataset.load(sample, "t10k", 10).first(500);
        try (Graph g = tinyResNet(1); Sgd sgd = sgd(g)) {
            List<EpochResult> h = new Trainer(g, sgd, config(2)).fit(all, test);
            assertTrue(h.get(1).trainLoss() < h.get(0).trainLoss(), "loss falls: " + h);
            assertTrue(h.get(1).testAccuracy() > 0.6, "it learns (evaluation mode, running statistics): " + h);
        }
        Dataset train = all.first(640);
        float[] straight;
        try (Graph g = tinyResNet(1); Sgd sgd = sgd(g)) {
            new Trainer(g, sgd, config(2).checkpoint(tmp.resolve("a.ckpt"))).fit(train, test);
            straight = g.parameters().toArray();
        }
        Path ck = tmp.resolve("b.ckpt");
        try (Graph g = tinyResNet(1); Sgd sgd = sgd(g)) {
            new Trainer(g, sgd, config(1).checkpoint(ck)).fit(train, test);
        }
        try (Graph g = tinyResNet(99); Sgd sgd = sgd(g)) {
            new Trainer(g, sgd, config(2).checkpoint(ck).resume()).fit(train, test);
            assertArrayEquals(straight, g.parameters().toArray());
            // the trained graph, saved, is a classifier that predicts what the model does
            Path file = tmp.resolve("resnet.c4j");
            ModelFile.save(file, g, Map.of());
            float[] image = new float[784];
            for (int i = 0; i < image.length; i++) image[i] = (i % 28) / 28f;
            try (Classifier c = Classifier.load(file); Classifier direct = Classifier.of(g.train(false))) {
                assertEquals(train.classNames().get(0), c.labels().get(0));
                // Classifier.load folds the normalisations into the convolutions: the same ranking, probabilities within float rounding
                List<Prediction> expected = direct.predict(image, 3), loaded = c.predict(image, 3);
                for (int k = 0; k < 3; k++) {
                    assertEquals(expected.get(k).classIndex(), loaded.get(k).classIndex(), "rank " + k);
                    assertEquals(expected.get(k).probability(), loaded.get(k).probability(), 1e-5, "rank " + k);
                }
            }
        }
    }
}

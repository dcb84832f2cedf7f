package example;

import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.infer.Classifier;
import io.github.conv4j.infer.Prediction;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.optim.Sgd;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.train.Trainer;
import io.github.conv4j.train.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Trains the reference CNN on Fashion-MNIST, saves it as model.c4j and classifies a few test images. */
public final class Quickstart {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "data/fashion-mnist-sample");  // the shipped sample, from the repository's root
        Dataset train = Dataset.loadFashionMnist(data, "train"), test = Dataset.loadFashionMnist(data, "t10k");

        try (Sequential net = new Sequential(Shape.of(1, 28, 28), 42, List.of(
                     new Conv2d(1, 32, 5).padding(2), new ReLU(), new MaxPool2d(2),
                     new Conv2d(32, 64, 5).padding(2), new ReLU(), new MaxPool2d(2),
                     new Flatten(), new Linear(3136, 256), new ReLU(), new Linear(256, 10)));
             Sgd sgd = new SgdConfig().learningRate(0.01).momentum(0.9).create(net)) {
            TrainingConfig training = new TrainingConfig().epochs(2).batchSize(64).normalization(Normalization.FASHION_MNIST)
                    .onEpoch(epoch -> System.out.println(epoch.line()));
            new Trainer(net, sgd, training).fit(train, test);
            ModelFile.save(Path.of("model.c4j"), net, Map.of());   // with its normalisation and class names
        }

        try (Classifier classifier = Classifier.load(Path.of("model.c4j"))) {
            for (int i = 0; i < 5; i++) {
                Prediction best = classifier.predict(test.image(i), 1).get(0);
                System.out.printf("image %d: predicted %s (p=%.2f) true %s%n", i, best.label(), best.probability(),
                        test.classNames().get(test.label(i)));
            }
        }
    }
}

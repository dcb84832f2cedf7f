package io.github.conv4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.augment.HorizontalFlip;
import io.github.conv4j.data.augment.RandomCrop;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.optim.Sgd;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.train.EpochResult;
import io.github.conv4j.train.Evaluation;
import io.github.conv4j.train.Trainer;
import io.github.conv4j.train.TrainingConfig;
import io.github.conv4j.zoo.Zoo;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trainer with crop + flip on CIFAR-like 3×32×32 images, loaded in the background. */
class AugmentedTrainingTest {
    static final int TRAIN = 1744, TEST = 256;   // the 2,000 images of the shipped sample

    @Test void theDataWaitShareIsReportedAndEvaluationSeesTheImagesAsTheyAre() throws IOException {
        byte[] pixels = ReaderFixtures.cifarLike(TRAIN + TEST);
        Dataset all = Dataset.of(pixels, 3, 32, 32, ReaderFixtures.labels(TRAIN + TEST), Dataset.FASHION_MNIST_CLASSES);
        Dataset train = all.first(TRAIN), test = all.subset(java.util.stream.IntStream.range(TRAIN, TRAIN + TEST).toArray());
        Zoo.Architecture arch = Zoo.reference(train.shape(), train.classes());
        TrainingConfig config = new TrainingConfig().epochs(2).batchSize(64).normalizationFromData()
                .augment(new RandomCrop(4), new HorizontalFlip()).loaderThreads(1)
                .log(new PrintStream(OutputStream.nullOutputStream()));
        try (Sequential net = new Sequential(arch.input(), 1, arch.layers()); Sgd sgd = new SgdConfig().learningRate(0.01).momentum(0.9).create(net)) {
            List<EpochResult> history = new Trainer(net, sgd, config).fit(train, test);
            for (EpochResult r : history) {
                assertTrue(r.dataWaitShare() >= 0 && r.dataWaitShare() <= 1, "a share: " + r.dataWaitShare());
                assertTrue(r.line().contains("data wait"), r.line());
                System.out.println("crop + flip, 1 loader thread, reference model, 3×32×32, batch 64: " + r.line());
            }
            Normalization norm = net.preprocessing().orElseThrow().normalization();
            try (Batches plain = new BatchConfig().batchSize(256).normalization(norm).create(test)) {
                Evaluation unaugmented = Evaluation.of(net, plain);
                EpochResult last = history.get(history.size() - 1);
                assertEquals(unaugmented.loss(), last.testLoss(), 1e-9, "the test loss is that of the unaugmented images");
                assertEquals(unaugmented.accuracy(), last.testAccuracy(), 1e-12);
            }
        }
    }
}

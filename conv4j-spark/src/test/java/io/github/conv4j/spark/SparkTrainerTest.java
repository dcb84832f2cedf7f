package io.github.conv4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.Batches;
import io.github.conv4j.data.BatchConfig;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.Model;
import io.github.conv4j.optim.SgdConfig;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SparkTrainer end to end in local[2]: it learns Fashion-MNIST, synchronously and with local SGD, and a resumed run continues exactly. */
class SparkTrainerTest {
    private static final Path SAMPLE = Path.of("data/fashion-mnist-sample");
    private static JavaSparkContext sc;

    @BeforeAll static void start() { sc = LocalSpark.start("SparkTrainerTest"); }

    @AfterAll static void stop() { sc.stop(); }

    private static SparkTrainingConfig sgd() {
        return new SparkTrainingConfig().optimizer(new SgdConfig().learningRate(0.05).momentum(0.9))
                .globalBatch(64).seed(11).normalization(Normalization.FASHION_MNIST);
    }

    @Test void referenceCnnLearnsFashionMnistOnTwoWorkers() throws Exception {
        Dataset train = Dataset.loadFashionMnist(SAMPLE, "train").first(3000), test = Dataset.loadFashionMnist(SAMPLE, "t10k").first(1000);
        ModelSpec spec = ModelSpec.of("reference", train.shape(), 10);
        try (SparkTrainingResult r = new SparkTrainer(spec, sgd().epochs(2)).fit(SparkDatasets.parallelize(sc, train, 2))) {
            assertEquals(2 * (3000 / 64), r.steps().size());
            double accuracy = accuracy(r.model(), test);
            List<StepTiming> steady = r.steps().subList(5, r.steps().size());   // past the JIT's and the pool's warm-up
            double compute = steady.stream().mapToLong(StepTiming::computeNanos).average().orElseThrow() / 1e6;
            double communication = steady.stream().mapToLong(StepTiming::communicationNanos).average().orElseThrow() / 1e6;
            double update = steady.stream().mapToLong(StepTiming::updateNanos).average().orElseThrow() / 1e6;
            double wall = steady.stream().mapToLong(StepTiming::wallNanos).average().orElseThrow() / 1e6;
            System.out.printf("local[2] reference CNN, %d parameters, %d steps of 64: test accuracy %.3f; per step %.1f ms wall = "
                            + "%.1f ms compute (slowest partition) + %.1f ms communication + %.1f ms driver update%n",
                    r.model().parameterCount(), r.steps().size(), accuracy, wall, compute, communication, update);
            assertTrue(accuracy > 0.70, "test accuracy " + accuracy);
        }
    }

    @Test void localSgdLearnsWithAQuarterOfTheCommunication() throws Exception {
        Dataset train = Dataset.loadFashionMnist(SAMPLE, "train").first(3000), test = Dataset.loadFashionMnist(SAMPLE, "t10k").first(1000);
        ModelSpec spec = ModelSpec.of("reference", train.shape(), 10);
        SparkTrainingConfig averaging = sgd().optimizer(new SgdConfig().learningRate(1)).localSgd(4, 0.1).epochs(2);
        try (SparkTrainingResult r = new SparkTrainer(spec, averaging).fit(SparkDatasets.parallelize(sc, train, 2))) {
            int batches = 2 * (3000 / 64);
            assertEquals((batches + 3) / 4, r.steps().size(), "rounds of 4 batches");
            double accuracy = accuracy(r.model(), test);
            List<StepTiming> steady = r.steps().subList(2, r.steps().size());
            System.out.printf("local[2] local SGD (4 batches a round), %d rounds: test accuracy %.3f; per round %.1f ms wall = %.1f ms compute + %.1f ms communication%n",
                    r.steps().size(), accuracy, steady.stream().mapToLong(StepTiming::wallNanos).average().orElseThrow() / 1e6,
                    steady.stream().mapToLong(StepTiming::computeNanos).average().orElseThrow() / 1e6,
                    steady.stream().mapToLong(StepTiming::communicationNanos).average().orElseThrow() / 1e6);
            // Plain SGD inside the rounds, without the synchronous test's momentum: it learns more
            // slowly (a synchronous plain SGD run reaches the same training loss), hence the lower bar.
            assertTrue(accuracy > 0.60, "test accuracy " + accuracy);
        }
    }

    @Test void resumedRunContinuesIdentically(@TempDir Path dir) throws Exception {
        Dataset train = Dataset.loadFashionMnist(SAMPLE, "train").first(512);
        ModelSpec spec = ModelSpec.of("lenet5", train.shape(), 10);
        JavaRDD<LabelledImage> data = SparkDatasets.parallelize(sc, train, 2);
        float[] straight;
        try (SparkTrainingResult r = new SparkTrainer(spec, sgd().steps(10)).fit(data)) {
            straight = r.model().parameters().toArray();
        }
        Path checkpoint = dir.resolve("spark.c4j");
        try (SparkTrainingResult first = new SparkTrainer(spec, sgd().steps(4).checkpoint(checkpoint, 2)).fit(data)) {
            assertEquals(4, first.steps().size());
        }
        float[] resumed;
        try (SparkTrainingResult rest = new SparkTrainer(spec, sgd().steps(10).checkpoint(checkpoint, 2)).fit(data)) {
            assertEquals(6, rest.steps().size(), "steps after the checkpoint");
            assertEquals(4, rest.steps().get(0).step());
            resumed = rest.model().parameters().toArray();
        }
        // Two partitions: the driver adds two sums, and float addition is commutative, so even the
        // arrival order of the partitions cannot change a bit.
        assertArrayEquals(straight, resumed);
    }

    private static double accuracy(Model model, Dataset test) {
        model.train(false);
        int correct = 0;
        try (Batches batches = new BatchConfig().batchSize(250).normalization(Normalization.FASHION_MNIST).inOrder().create(test);
             SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy()) {
            batches.startEpoch(0);
            while (batches.next()) {
                loss.forward(model.forward(batches.images()), batches.labels());
                correct += loss.correct();
            }
        }
        return (double) correct / test.size();
    }
}

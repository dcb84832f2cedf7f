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
import io.github.conv4j.optim.LrSchedule;
import io.github.conv4j.optim.Optimizer;
import io.github.conv4j.optim.OptimizerConfig;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.train.Trainer;
import io.github.conv4j.train.TrainingConfig;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two partitions of B samples each, with a global batch of 2·B, must take the same steps as one
 * plain process training on a batch of all 2·B samples: the distributed sum of per-partition
 * gradient sums is the full batch's gradient, only added in another order. Local SGD of one
 * step per round, averaged with an outer SGD of rate 1, must be synchronous SGD. And one
 * partition must be the plain Trainer, bit for bit, learning-rate schedule and BatchNorm included.
 */
class SparkEquivalenceTest {
    private static final int PER_WORKER = 16, WORKERS = 2, STEPS = 5;
    private static JavaSparkContext sc;

    @BeforeAll static void start() { sc = LocalSpark.start("SparkEquivalenceTest"); }

    @AfterAll static void stop() { sc.stop(); }

    @Test void twoWorkersOfBSamplesEqualOneWorkerOfTwoBSamples() throws Exception {
        Dataset data = Dataset.loadFashionMnist(Path.of("data/fashion-mnist-sample"), "train").first(PER_WORKER * WORKERS);
        ModelSpec spec = ModelSpec.of("reference", data.shape(), 10);
        OptimizerConfig sgd = new SgdConfig().learningRate(0.05).momentum(0.9);
        SparkTrainingConfig config = new SparkTrainingConfig().optimizer(sgd).globalBatch(PER_WORKER * WORKERS)
                .steps(STEPS).seed(7).normalization(Normalization.FASHION_MNIST);
        float[] distributed;
        try (SparkTrainingResult r = new SparkTrainer(spec, config).fit(SparkDatasets.parallelize(sc, data, WORKERS))) {
            assertEquals(STEPS, r.steps().size());
            r.steps().forEach(s -> assertEquals(PER_WORKER * WORKERS, s.samples()));
            distributed = r.model().parameters().toArray();
        }
        float[] single = singleProcess(spec, sgd, data, 7);
        double maxDiff = 0, maxAbs = 0;
        for (int i = 0; i < single.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(single[i] - distributed[i]));
            maxAbs = Math.max(maxAbs, Math.abs(single[i]));
        }
        System.out.printf("equivalence after %d steps: max |single - distributed| = %.3g over %d parameters (max |w| %.3g)%n",
                STEPS, maxDiff, single.length, maxAbs);
        assertTrue(maxDiff < 1e-5, "parameters differ by up to " + maxDiff);
    }

    @Test void localSgdOfOneStepEqualsSynchronousSgdUnderASchedule() throws Exception {
        Dataset data = Dataset.loadFashionMnist(Path.of("data/fashion-mnist-sample"), "train").first(4 * PER_WORKER * WORKERS);
        ModelSpec spec = ModelSpec.of("lenet5", data.shape(), 10);
        // A schedule too: synchronously it sets the optimiser's rate, in rounds the partitions' local rate, step for step alike.
        SparkTrainingConfig base = new SparkTrainingConfig().globalBatch(PER_WORKER * WORKERS).steps(STEPS).seed(5)
                .normalization(Normalization.FASHION_MNIST).schedule(LrSchedule.cosine(1, 0.005).withWarmup(2));
        float[] synchronous, local;
        try (SparkTrainingResult r = new SparkTrainer(spec, base.optimizer(new SgdConfig().learningRate(0.05))).fit(SparkDatasets.parallelize(sc, data, WORKERS))) {
            synchronous = r.model().parameters().toArray();
        }
        // Rounds of one local step averaged by an outer SGD of rate 1: the same update, by another path.
        SparkTrainingConfig rounds = base.optimizer(new SgdConfig().learningRate(1)).localSgd(1, 0.05);
        try (SparkTrainingResult r = new SparkTrainer(spec, rounds).fit(SparkDatasets.parallelize(sc, data, WORKERS))) {
            assertEquals(STEPS, r.steps().size());
            local = r.model().parameters().toArray();
        }
        double maxDiff = 0;
        for (int i = 0; i < local.length; i++) maxDiff = Math.max(maxDiff, Math.abs(local[i] - synchronous[i]));
        System.out.printf("local SGD of 1 step vs synchronous SGD, %d steps of a warmed-up cosine schedule: max |Δw| = %.3g%n", STEPS, maxDiff);
        assertTrue(maxDiff < 1e-5, "parameters differ by up to " + maxDiff);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lenet5", "resnet20"})   // resnet20: BatchNorm's running statistics travel too
    void oneWorkerIsThePlainTrainerBitForBit(String architecture) throws Exception {
        Dataset data = Dataset.loadFashionMnist(Path.of("data/fashion-mnist-sample"), "train").first(4 * PER_WORKER);
        Dataset test = Dataset.loadFashionMnist(Path.of("data/fashion-mnist-sample"), "t10k").first(PER_WORKER);
        ModelSpec spec = ModelSpec.of(architecture, data.shape(), 10);
        OptimizerConfig sgd = new SgdConfig().learningRate(0.05).momentum(0.9);
        LrSchedule cosine = LrSchedule.cosine(2, 0.001).withWarmup(2);   // 2 epochs of 4 steps: warm-up, then every step a new rate
        SparkTrainingConfig config = new SparkTrainingConfig().optimizer(sgd).schedule(cosine).globalBatch(PER_WORKER).epochs(2).seed(9)
                .normalization(Normalization.FASHION_MNIST);
        float[] sparkParameters, sparkState;
        try (SparkTrainingResult r = new SparkTrainer(spec, config).fit(SparkDatasets.parallelize(sc, data, 1))) {
            assertEquals(8, r.steps().size());
            sparkParameters = r.model().parameters().toArray();
            sparkState = r.model().state() == null ? new float[0] : r.model().state().toArray();
        }
        try (Model model = spec.build(9); Optimizer optimizer = sgd.create(model)) {
            new Trainer(model, optimizer, new TrainingConfig().epochs(2).batchSize(PER_WORKER).seed(9).normalization(Normalization.FASHION_MNIST)
                    .schedule(cosine)).fit(data, test);
            assertEquals(8, optimizer.steps());
            assertArrayEquals(model.parameters().toArray(), sparkParameters, "parameters");
            assertArrayEquals(model.state() == null ? new float[0] : model.state().toArray(), sparkState, "running statistics");
        }
        System.out.printf("%s: one Spark partition equals the plain Trainer bit for bit after 8 steps of a warmed-up cosine schedule%n",
                architecture);
    }

    /** The plain computation: one model, the whole set as one batch, the optimiser after each backward. */
    private static float[] singleProcess(ModelSpec spec, OptimizerConfig sgd, Dataset data, long seed) {
        try (Model model = spec.build(seed); Optimizer optimizer = sgd.create(model);
             Batches batches = new BatchConfig().batchSize(data.size()).normalization(Normalization.FASHION_MNIST).inOrder().create(data);
             SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy()) {
            model.train(true);
            for (int step = 0; step < STEPS; step++) {
                batches.startEpoch(step);
                assertTrue(batches.next());
                model.zeroGrad();
                loss.forward(model.forward(batches.images()), batches.labels());
                model.backward(loss.gradient());
                optimizer.step();
            }
            return model.parameters().toArray();
        }
    }
}

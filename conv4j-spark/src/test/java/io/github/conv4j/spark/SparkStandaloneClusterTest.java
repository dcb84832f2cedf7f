package io.github.conv4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.optim.SgdConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * SparkTrainer on a standalone cluster of two worker JVMs, one executor JVM each, with one executor
 * killed (SIGKILL) mid-training: Spark retries the lost tasks and recomputes the lost cached
 * partition, and because a task's gradient is a function of (parameters, partition, step) alone,
 * the run ends with the parameters of an undisturbed local[2] run.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "Spark's standalone worker has only been tried on Linux here")
class SparkStandaloneClusterTest {
    private static final int STEPS = 16;

    @Test void anExecutorKilledMidTrainingChangesNothing(@TempDir Path dir) throws Exception {
        Dataset train = Dataset.loadFashionMnist(Path.of("data/fashion-mnist-sample"), "train").first(1024);
        ModelSpec spec = ModelSpec.of("lenet5", train.shape(), 10);
        Path checkpoint = dir.resolve("cluster.c4j");
        SparkTrainingConfig config = new SparkTrainingConfig().optimizer(new SgdConfig().learningRate(0.05).momentum(0.9))
                .globalBatch(64).steps(STEPS).seed(3).normalization(Normalization.FASHION_MNIST);
        float[] clustered;
        boolean killed;
        try (StandaloneSparkCluster cluster = new StandaloneSparkCluster(dir, 2)) {
            JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster(cluster.masterUrl()).setAppName("SparkStandaloneClusterTest")
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.executor.memory", "512m")
                    .set("spark.cores.max", "2")
                    .set("spark.executor.extraClassPath", StandaloneSparkCluster.executorClassPath())
                    .set("spark.executor.extraJavaOptions", String.join(" ", StandaloneSparkCluster.jvmOptions())));
            try {
                sc.setLogLevel("WARN");
                AtomicInteger lost = new AtomicInteger();
                sc.sc().addSparkListener(new SparkListener() {
                    @Override public void onExecutorRemoved(SparkListenerExecutorRemoved removed) { lost.incrementAndGet(); }
                });
                // The first checkpoint (after step 2) says training is under way: then one executor dies.
                CompletableFuture<Boolean> kill = CompletableFuture.supplyAsync(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    try {
                        while (!Files.exists(checkpoint) && System.nanoTime() < deadline) Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                    return cluster.killExecutorOf(0);
                });
                try (SparkTrainingResult r = new SparkTrainer(spec, config.checkpoint(checkpoint, 2)).fit(SparkDatasets.parallelize(sc, train, 2))) {
                    assertEquals(STEPS, r.steps().size());
                    clustered = r.model().parameters().toArray();
                }
                killed = kill.get(10, TimeUnit.SECONDS);
                assertTrue(lost.get() >= 1 || !killed, "Spark never saw the killed executor go");
            } finally {
                sc.stop();
            }
        }
        assertTrue(killed, "no executor of worker 0 was running to kill");
        float[] local;
        JavaSparkContext sc = LocalSpark.start("SparkStandaloneClusterTest-local");
        try (SparkTrainingResult r = new SparkTrainer(spec, config).fit(SparkDatasets.parallelize(sc, train, 2))) {
            local = r.model().parameters().toArray();
        } finally {
            sc.stop();
        }
        double maxDiff = 0;
        for (int i = 0; i < local.length; i++) maxDiff = Math.max(maxDiff, Math.abs(local[i] - clustered[i]));
        System.out.printf("standalone cluster with an executor killed vs local[2], %d steps: max |Δw| = %.3g%n", STEPS, maxDiff);
        assertTrue(maxDiff < 1e-6, "parameters differ by up to " + maxDiff);
    }
}

package io.github.conv4j.cli;

import io.github.conv4j.data.DataFormat;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.Model;
import io.github.conv4j.spark.LabelledImage;
import io.github.conv4j.spark.ModelSpec;
import io.github.conv4j.spark.SparkDatasets;
import io.github.conv4j.spark.SparkTrainer;
import io.github.conv4j.spark.SparkTrainingConfig;
import io.github.conv4j.spark.SparkTrainingResult;
import io.github.conv4j.spark.StepTiming;
import io.github.conv4j.train.EpochResult;
import io.github.conv4j.train.Evaluation;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.ParameterException;

/**
 * {@code conv4j train --spark MASTER}: the model the other flags describe, trained with
 * conv4j-spark's synchronous data-parallel SGD ({@link SparkTrainer}) on {@code --workers}
 * partitions, evaluated on the driver after each epoch, saved like a plain run's, with a report
 * that adds the workers and the per-step compute and communication times. Only reached after
 * {@link SparkAvailability#require()}, since it needs Spark's classes.
 */
final class SparkTrainRun {
    /** Flags whose work happens in the plain Trainer's batches, which a Spark run does not use. */
    private static final List<String> NOT_WITH_SPARK = List.of("--augment", "--label-smoothing", "--clip-grad-norm", "--plots", "--loader-threads");
    private final TrainCommand flags;
    private final String arch;
    private final Path dir, checkpoint;
    private final DataFormat format;

    SparkTrainRun(TrainCommand flags, String arch, Path dir, DataFormat format, Path checkpoint) {
        for (String flag : NOT_WITH_SPARK)
            if (flags.spec.commandLine().getParseResult().hasMatchedOption(flag))
                throw new ParameterException(flags.spec.commandLine(), flag + " is not supported with --spark yet");
        if (flags.workers != null) Flags.positive(flags.spec, "--workers", flags.workers);
        this.flags = flags;
        this.arch = arch;
        this.dir = dir;
        this.format = format;
        this.checkpoint = checkpoint;
    }

    int run(Dataset train, Dataset validation, Dataset test) throws IOException {
        // Per-channel statistics of the training images, as the plain run's normalizationFromData.
        Normalization normalization = Normalization.of(train);
        int stepsPerEpoch = train.size() / flags.batch;
        if (stepsPerEpoch == 0)
            throw new IllegalArgumentException("--batch " + flags.batch + " is more than the " + train.size() + " training images");
        // Like the plain run: a checkpoint is continued with --resume only; otherwise the run starts afresh.
        if (!flags.resume) Files.deleteIfExists(checkpoint);
        List<EpochResult> history = new ArrayList<>();
        SparkConf conf = sparkConf();
        long start = System.nanoTime();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            int partitions = flags.workers != null ? flags.workers : sc.defaultParallelism();
            System.out.printf("conv4j train --spark %s: %s on %s (%,d training, %,d test images), %s, global batch %d over %d workers%n",
                    flags.spark, arch, dir, train.size(), test.size(), Common.count(flags.epochs, "epoch"), flags.batch, partitions);
            long[] epochBegin = {System.nanoTime()};
            SparkTrainingConfig config = new SparkTrainingConfig().optimizer(flags.optimizerConfig()).schedule(flags.schedule())
                    .globalBatch(flags.batch).epochs(flags.epochs).seed(flags.seed).normalization(normalization).classNames(train.classNames())
                    .checkpoint(checkpoint, stepsPerEpoch)
                    .onEpoch((epoch, model, steps) -> {
                        double seconds = (System.nanoTime() - epochBegin[0]) / 1e9;
                        EpochResult r = epochResult(epoch, model, steps, seconds, stepsPerEpoch, normalization, validation, test);
                        history.add(r);
                        System.out.println(r.line());
                        epochBegin[0] = System.nanoTime();   // evaluation is not training time
                    });
            JavaRDD<LabelledImage> samples = SparkDatasets.parallelize(sc, train, partitions);
            try (SparkTrainingResult result = new SparkTrainer(ModelSpec.of(arch, train.shape(), train.classes()), config).fit(samples)) {
                double seconds = (System.nanoTime() - start) / 1e9;
                ModelFile.save(flags.out, result.model(), Map.of("model", arch));
                double testAccuracy = history.isEmpty() ? Evaluation.of(result.model(), test, normalization).accuracy()
                        : history.get(history.size() - 1).testAccuracy();
                System.out.printf("test accuracy %.2f%% after %s on %d workers; model saved to %s%n", 100 * testAccuracy,
                        Common.count(flags.epochs, "epoch"), partitions, flags.out.toAbsolutePath());
                Reports.write(flags.report, report(conf, partitions, result.model().parameterCount(), train, validation, test, result.steps(),
                        history, testAccuracy, seconds));
            }
        }
        return 0;
    }

    /** The driver's master, app name and, for a cluster, the jars its executors need; any spark.* system property wins. */
    private SparkConf sparkConf() {
        SparkConf conf = new SparkConf().setMaster(flags.spark).setAppName("conv4j train " + arch)
                .setIfMissing("spark.ui.enabled", "false");
        if (!flags.spark.startsWith("local")) {
            List<String> jars = conv4jJars();
            if (!jars.isEmpty()) conf.setIfMissing("spark.jars", String.join(",", jars));
        }
        return conf;
    }

    /**
     * The jars that make up this command (its own and those of its lib folder, where scripts/conv4j
     * runs it from): conv4j, conv4j-spark, JavaCPP, OpenBLAS and the native jars, which a
     * cluster's executors do not have; empty when running from class folders (tests, IDE).
     */
    private static List<String> conv4jJars() {
        try {
            Path self = Path.of(SparkTrainRun.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path lib = self.resolveSibling("lib");
            if (!Files.isRegularFile(self) || !Files.isDirectory(lib)) return List.of();
            List<String> jars = new ArrayList<>(List.of(self.toString()));
            try (Stream<Path> files = Files.list(lib)) {
                files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(f -> jars.add(f.toString()));
            }
            return jars;
        } catch (URISyntaxException | IOException | SecurityException e) {
            return List.of();
        }
    }

    private EpochResult epochResult(int epoch, Model model, List<StepTiming> steps, double seconds, int stepsPerEpoch,
                                    Normalization normalization, Dataset validation, Dataset test) {
        long samples = 0;
        double loss = 0, correct = 0;
        for (StepTiming s : steps) {
            samples += s.samples();
            loss += s.meanLoss() * s.samples();
            correct += s.accuracy() * s.samples();
        }
        Evaluation onTest = Evaluation.of(model, test, normalization);
        Evaluation held = validation == null ? null : Evaluation.of(model, validation, normalization);
        double rate = flags.schedule().at(flags.lr, steps.get(steps.size() - 1).step(), stepsPerEpoch);
        return new EpochResult(epoch, loss / samples, correct / samples, onTest.loss(), onTest.accuracy(), samples / seconds, seconds, rate,
                held == null ? Double.NaN : held.loss(), held == null ? Double.NaN : held.accuracy());
    }

    private Map<String, Object> report(SparkConf conf, int partitions, long parameters, Dataset train, Dataset validation, Dataset test, List<StepTiming> steps,
                                       List<EpochResult> history, double testAccuracy, double seconds) {
        Map<String, Object> r = TrainReports.header(arch, dir, format, train, validation, test, flags.epochs, flags.batch);
        r.put("optimizer", flags.optimizerConfig().toString());
        r.put("spark_master", conf.get("spark.master"));
        r.put("workers", partitions);
        r.put("parameters", parameters);   // 4 bytes each go to every worker and back each step
        r.put("steps", steps.size());
        // Per step over the whole run (the median shrugs off the first steps' JIT and model-pool warm-up).
        r.put("step_wall_ms", milliseconds(steps, StepTiming::wallNanos));
        r.put("step_compute_ms", milliseconds(steps, StepTiming::computeNanos));
        r.put("step_communication_ms", milliseconds(steps, StepTiming::communicationNanos));
        r.put("step_update_ms", milliseconds(steps, StepTiming::updateNanos));
        r.put("per_epoch", TrainReports.perEpoch(history));
        r.put("test_accuracy", testAccuracy);
        r.put("train_images_per_second", history.stream().mapToDouble(EpochResult::imagesPerSecond).average().orElse(0));
        r.put("wall_seconds", seconds);
        r.put("peak_rss_mb", Common.peakRssMb());
        r.put("model_file", flags.out.toAbsolutePath().toString());
        return r;
    }

    /** {@code {"median": …, "mean": …}} of one of the steps' times, in milliseconds. */
    private static Map<String, Object> milliseconds(List<StepTiming> steps, ToLongFunction<StepTiming> nanos) {
        double[] ms = steps.stream().mapToDouble(s -> nanos.applyAsLong(s) / 1e6).sorted().toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        int n = ms.length;
        m.put("median", n == 0 ? Double.NaN : n % 2 == 1 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2);
        m.put("mean", Arrays.stream(ms).average().orElse(Double.NaN));
        return m;
    }
}

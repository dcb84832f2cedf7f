package io.github.conv4j.cli;

import io.github.conv4j.data.DataFormat;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.data.Split;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.Model;
import io.github.conv4j.optim.AdamConfig;
import io.github.conv4j.optim.LrSchedule;
import io.github.conv4j.optim.Optimizer;
import io.github.conv4j.optim.OptimizerConfig;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.train.EpochResult;
import io.github.conv4j.train.Trainer;
import io.github.conv4j.train.TrainingConfig;
import io.github.conv4j.zoo.Zoo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
         description = "Train a CNN on labelled images (the shipped Fashion-MNIST sample, or --data DIR) and save it.")
final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--data", description = "Folder of IDX files (train-*, t10k-*; raw or .gz), CIFAR-10/100 binary batches, "
            + "NPY arrays (train_images.npy, train_labels.npy, test_…) or an image folder (train/<class>/…, test/ or val/) "
            + "(default: the shipped sample).")
    Path data;
    @Option(names = "--model", defaultValue = "reference",
            description = "reference, lenet5, fashioncnn, alexnet, vgg16, resnet20 or mobilenetv2, made for the data's channels, size and classes (default: ${DEFAULT-VALUE}).")
    String model;
    @Option(names = "--image-size", paramLabel = "N",
            description = "Side images of an image folder are resized and cropped to (default: the model's own, 224 for alexnet, vgg16 and mobilenetv2, 32 for resnet20, 28 otherwise).")
    Integer imageSize;
    @Option(names = "--val-split", paramLabel = "F",
            description = "Hold out this fraction of the training images (stratified, seeded by --seed) and report validation accuracy each epoch (default: none).")
    Double valSplit;
    @Option(names = "--augment", defaultValue = "none", paramLabel = "LIST",
            description = "Training augmentations, comma-separated, applied in this order to the training images only: " + AugmentFlag.NAMES
                    + "; seeded by --seed (default: ${DEFAULT-VALUE}).")
    String augment;
    @Option(names = "--loader-threads", defaultValue = "1", paramLabel = "N",
            description = "Threads preparing the next training batches while the current step runs, 0 to " + io.github.conv4j.data.BatchConfig.MAX_LOADER_THREADS
                    + "; 0 prepares them in the training thread (default: ${DEFAULT-VALUE}).")
    int loaderThreads;
    private List<String> augmentations;   // --augment's names, checked by checkFlags
    @Option(names = "--epochs", defaultValue = "5", description = "Passes over the training set (default: ${DEFAULT-VALUE}).") int epochs;
    @Option(names = "--batch", defaultValue = "64", description = "Images per optimiser step (default: ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd, adam or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer;
    @Option(names = "--lr", defaultValue = "0.01", description = "Learning rate (default: ${DEFAULT-VALUE}).") double lr;
    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum, in [0, 1) (default: ${DEFAULT-VALUE}).") double momentum;
    @Option(names = "--nesterov", defaultValue = "false", description = "Nesterov momentum for sgd (default: ${DEFAULT-VALUE}).") boolean nesterov;
    @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay; adamw uses 0.01 when 0 (default: ${DEFAULT-VALUE}).")
    double weightDecay;
    @Option(names = "--no-decay-bias-norm", description = "No weight decay on biases and BatchNorm parameters.") boolean noDecayBiasNorm;
    @Option(names = "--freeze", paramLabel = "PREFIX",
            description = "Do not train parameters whose name starts with PREFIX, e.g. layer1.: no gradient, no update (repeatable; see the summary for names) (default: none).")
    List<String> freeze = new ArrayList<>();
    @Option(names = "--clip-grad-norm", paramLabel = "MAX", description = "Clip the gradients to this global L2 norm (default: no clipping).")
    Double clipGradNorm;
    @Option(names = "--label-smoothing", defaultValue = "0", description = "Label smoothing of the loss, in [0, 1] (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;
    @Option(names = "--class-weights", paramLabel = "W1,W2,…|auto",
            description = "One loss weight per class, or auto: the inverse class frequency of the training images, n / (classes × count) (default: none).")
    String classWeights;
    private float[] givenClassWeights;   // --class-weights' numbers (null for auto), checked by checkFlags
    @Option(names = "--schedule", defaultValue = "constant", description = "constant, step (×0.1 every 2 epochs) or cosine (default: ${DEFAULT-VALUE}).")
    String schedule;
    @Option(names = "--warmup", defaultValue = "0", description = "Linear warm-up steps (default: ${DEFAULT-VALUE}).") long warmup;
    @Option(names = "--seed", defaultValue = "42", description = "Seed of the initial weights and the shuffling (default: ${DEFAULT-VALUE}).") long seed;
    @Mixin ThreadOptions threading;
    @Option(names = "--train-limit", paramLabel = "N", description = "Use only the first N training images (default: all).") Integer trainLimit;
    @Option(names = "--test-limit", paramLabel = "N", description = "Use only the first N test images (default: all).") Integer testLimit;
    @Option(names = {"-o", "--out"}, defaultValue = "model.c4j", description = "Model file to write (default: ${DEFAULT-VALUE}).") Path out;
    @Option(names = "--checkpoint", description = "Checkpoint file, written atomically each epoch (default: <out>.ckpt).") Path checkpoint;
    @Option(names = "--resume", description = "Continue from the checkpoint if there is one.") boolean resume;
    @Option(names = "--report", description = "Write a JSON summary here (default: none).") Path report;
    @Option(names = "--plots", paramLabel = "DIR",
            description = "Write PNG plots here: training curves, the first convolution's filters, the test confusion matrix (+ CSV) (default: none).")
    Path plots;
    @Option(names = "--no-progress", description = "No progress bar (there is none anyway when the output is not a terminal).") boolean noProgress;
    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Train data-parallel on Apache Spark: local[N] or spark://HOST:PORT; needs Spark 3.5 (Scala 2.13) on the class path, "
                    + "which scripts/conv4j adds (see docs/spark.md) (default: no Spark).")
    String spark;
    @Option(names = "--workers", paramLabel = "N",
            description = "With --spark: partitions of the training data, one task each per step (default: Spark's default parallelism).")
    Integer workers;
    @Option(names = "--recipe", paramLabel = "NAME",
            description = "A named bundle of the flags above, for one goal; flags given on the command line win over it. "
                    + "fashion93: 93 %% on the full Fashion-MNIST in under 15 minutes on 2 cores (data: /usr/share/datasets/fashion-mnist "
                    + "when --data is not given). The report lists the effective settings and the seconds to the recipe's target accuracy (default: none).")
    String recipe;

    @Override public Integer call() throws Exception {
        Recipe.Applied applied = recipe == null ? null : Recipe.named(spec, recipe).applyTo(spec, "--data");
        if (applied != null) System.out.println(applied.line());
        checkFlags();
        int nThreads = threading.configure();
        Path dir = Common.dataDir(data);
        DataFormat format = DataFormat.detect(dir);
        int side = imageSize != null ? imageSize : Zoo.naturalInput(model).dim(1);
        Dataset train = format.read(dir, Split.TRAIN, side, 0);
        Dataset test = format.read(dir, Split.TEST, side, train.channels());
        System.out.println(Common.describeData(format, dir, train, test));
        if (trainLimit != null) train = train.first(trainLimit);
        if (testLimit != null) test = test.first(testLimit);
        Dataset validation = null;
        if (valSplit != null) {
            Dataset.Holdout parts = train.split(valSplit, seed);
            train = parts.train();
            validation = parts.validation();
            System.out.printf("validation: %,d of the training images held out (stratified, seed %d), %,d left to train on%n",
                    validation.size(), seed, train.size());
        }
        String arch = Zoo.canonicalName(model);
        Path ckpt = checkpoint != null ? checkpoint : out.resolveSibling(out.getFileName() + ".ckpt");
        if (spark != null) {   // data-parallel on Spark: its own run and report (SparkTrainRun)
            SparkAvailability.require();
            try (Model probe = Zoo.create(arch, train.shape(), train.classes(), seed)) { freezeLayers(probe); }
            return new SparkTrainRun(this, arch, dir, format, ckpt).run(train, validation, test);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", arch);   // normalisation and class names: the library stores them (Trainer.fit)
        System.out.printf("conv4j train: %s on %s (%,d training, %,d test images), %s, batch %d, %d threads%n", arch, dir,
                train.size(), test.size(), Common.count(epochs, "epoch"), batch, nThreads);
        Map<Integer, Double> elapsed = new LinkedHashMap<>();   // epoch → seconds from the start of training to its end, evaluation included
        long start = System.nanoTime();
        try (Model net = Zoo.create(arch, train.shape(), train.classes(), seed); Optimizer opt = optimizer(net)) {
            // Per-channel statistics of the training images (the model file stores them).
            float[] weights = classWeights == null ? null : ClassWeightsFlag.forData(spec, givenClassWeights, train);
            TrainingConfig config = new TrainingConfig().epochs(epochs).batchSize(batch).seed(seed).normalizationFromData()
                    .augment(AugmentFlag.transforms(augmentations, Math.min(train.height(), train.width()))).loaderThreads(loaderThreads)
                    .schedule(schedule()).checkpoint(ckpt).resume(resume).progress(!noProgress)
                    .metadata(meta).onEpoch(r -> System.out.println(r.line()))
                    .onEpoch(r -> elapsed.put(r.epoch(), (System.nanoTime() - start) / 1e9)).labelSmoothing(labelSmoothing);
            if (clipGradNorm != null) config = config.clipGradientNorm(clipGradNorm);
            if (weights != null) config = config.classWeights(weights);
            List<EpochResult> history = new Trainer(net, opt, config).fit(train, validation, test);
            double seconds = (System.nanoTime() - start) / 1e9;
            ModelFile.save(out, net, meta);
            EpochResult last = history.get(history.size() - 1);
            System.out.printf("test accuracy %.2f%% after %s; model saved to %s%n", 100 * last.testAccuracy(), Common.count(last.epoch(), "epoch"),
                    out.toAbsolutePath());
            Map<String, Object> r = TrainReports.header(arch, dir, format, train, validation, test, epochs, batch);
            r.put("threads", nThreads);
            r.put("optimizer", opt.describe());
            r.put("augment", augmentations.isEmpty() ? "none" : String.join(",", augmentations));
            r.put("loader_threads", loaderThreads);
            r.put("per_epoch", TrainReports.perEpoch(history, elapsed));
            if (weights != null) r.put("class_weights", Map.of("given", classWeights.strip(), "weights", weightList(weights)));
            r.put("test_accuracy", last.testAccuracy());
            r.put("train_images_per_second", history.stream().mapToDouble(EpochResult::imagesPerSecond).average().orElse(0));
            r.put("wall_seconds", seconds);
            r.put("process_seconds", Common.processSeconds());
            if (applied != null) r.putAll(applied.report(history, elapsed));
            r.put("peak_rss_mb", Common.peakRssMb());
            r.put("model_file", out.toAbsolutePath().toString());
            if (plots != null) {
                Normalization norm = net.preprocessing().orElseThrow().normalization();
                ConfusionMatrix confusion = ConfusionMatrix.of(net, test, norm, test.classNames());
                for (Path written : Plots.write(plots, history, net, confusion)) System.out.println("wrote " + written.toAbsolutePath());
                r.put("confusion_matrix", confusion.toReport());
            }
            Reports.write(report, r);
        }
        return 0;
    }

    private void checkFlags() {
        Flags.positive(spec, "--epochs", epochs);
        Flags.positive(spec, "--batch", batch);
        Flags.positive(spec, "--lr", lr);
        Flags.inRange(spec, "--momentum", momentum, 0, 1);
        Flags.notNegative(spec, "--weight-decay", weightDecay);
        Flags.notNegative(spec, "--warmup", warmup);
        threading.check(spec);
        if (clipGradNorm != null) Flags.positive(spec, "--clip-grad-norm", clipGradNorm);
        Flags.inRange(spec, "--label-smoothing", labelSmoothing, 0, 1);
        Flags.notNegative(spec, "--loader-threads", loaderThreads);
        if (loaderThreads > io.github.conv4j.data.BatchConfig.MAX_LOADER_THREADS)
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--loader-threads must be at most " + io.github.conv4j.data.BatchConfig.MAX_LOADER_THREADS + ", got " + loaderThreads);
        augmentations = AugmentFlag.names(spec, augment);
        if (classWeights != null) givenClassWeights = ClassWeightsFlag.parse(spec, classWeights);
        if (trainLimit != null) Flags.positive(spec, "--train-limit", trainLimit);
        if (testLimit != null) Flags.positive(spec, "--test-limit", testLimit);
        if (imageSize != null) Flags.positive(spec, "--image-size", imageSize);
        if (valSplit != null && !(valSplit > 0 && valSplit < 1))
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--val-split must be in (0, 1), got " + valSplit);
    }

    private static List<Float> weightList(float[] w) {
        List<Float> l = new ArrayList<>();
        for (float v : w) l.add(v);
        return l;
    }

    private Optimizer optimizer(Model net) {
        freezeLayers(net);
        return optimizerConfig().create(net);
    }

    /** Checks each --freeze prefix names parameters, then freezes them in the model (no gradients, no backward below). */
    private void freezeLayers(Model net) {
        for (String prefix : freeze)
            if (net.namedParameters().keySet().stream().noneMatch(n -> n.startsWith(prefix)))
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--freeze " + prefix + " matches no parameter of the model");
        for (String prefix : freeze) net.freeze(prefix);   // no gradients computed for them, no backward below the lowest trained layer
    }

    /** The optimiser the flags describe (also what a --spark run's driver applies). */
    OptimizerConfig optimizerConfig() {
        switch (optimizer) {
            case "sgd" -> {
                SgdConfig c = new SgdConfig().learningRate(lr).momentum(momentum).weightDecay(weightDecay).nesterov(nesterov).noDecayOnBiasAndNorm(noDecayBiasNorm);
                for (String prefix : freeze) c = c.freeze(prefix);
                return c;
            }
            case "adam", "adamw" -> {
                AdamConfig c = optimizer.equals("adam") ? new AdamConfig().weightDecay(weightDecay)
                        : AdamConfig.adamW().weightDecay(weightDecay == 0 ? 0.01 : weightDecay);
                c = c.learningRate(lr).noDecayOnBiasAndNorm(noDecayBiasNorm);
                for (String prefix : freeze) c = c.freeze(prefix);
                return c;
            }
            default -> throw new IllegalArgumentException("unknown optimizer '" + optimizer + "' (sgd, adam, adamw)");
        }
    }

    LrSchedule schedule() {
        LrSchedule s = switch (schedule) {
            case "constant" -> LrSchedule.constant();
            case "step" -> LrSchedule.step(2, 0.1);
            case "cosine" -> LrSchedule.cosine(epochs, 0);
            default -> throw new IllegalArgumentException("unknown schedule '" + schedule + "' (constant, step, cosine)");
        };
        return warmup > 0 ? s.withWarmup(warmup) : s;
    }
}

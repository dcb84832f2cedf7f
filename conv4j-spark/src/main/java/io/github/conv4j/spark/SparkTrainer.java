package io.github.conv4j.spark;

import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.nn.Model;
import io.github.conv4j.optim.Optimizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Synchronous data-parallel SGD on Spark, the way MLlib's optimisers work: the samples stay cached
 * on the executors; every step the driver broadcasts the flat parameters as a {@code float[]},
 * each partition computes the gradient sum of its share of the global batch with a pooled native
 * model ({@link ExecutorModels}), {@code treeAggregate} adds the sums up, and the driver averages
 * them and applies the optimiser, whose state never leaves the driver. N partitions of B samples
 * each therefore take the same step as one process with a batch of N·B, up to float rounding.
 * <pre>{@code
 * SparkTrainer trainer = new SparkTrainer(ModelSpec.of("reference", Shape.of(1, 28, 28), 10),
 *         new SparkTrainingConfig().optimizer(new SgdConfig().learningRate(0.05).momentum(0.9)).globalBatch(128).epochs(3));
 * try (SparkTrainingResult r = trainer.fit(SparkDatasets.parallelize(sc, train, 2))) { ... r.model() ... }
 * }</pre>
 * With {@link SparkTrainingConfig#localSgd} the partitions instead take several plain SGD steps
 * between communications and the driver's optimiser applies the averaged move.
 * <p>
 * Models with running statistics (BatchNorm) train with "local BN", as PyTorch's DDP without
 * SyncBatchNorm: each partition normalises with the statistics of its own share of the batch
 * (not the global batch's) and updates its copy of the running statistics, which start every
 * step from the driver's; the driver's new running statistics are the partitions' weighted by
 * their samples. Running means therefore follow the global batch exactly, running variances
 * miss the spread between the partitions' means. With one partition it is the plain Trainer.
 */
public final class SparkTrainer {
    private final ModelSpec spec;
    private final SparkTrainingConfig config;

    /** A trainer of models of {@code spec} with {@code config}. */
    public SparkTrainer(ModelSpec spec, SparkTrainingConfig config) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Trains on {@code samples} (cached for the run and uncached after, unless the caller persisted
     * them) and returns the model and the timing of each step; with a checkpoint configured,
     * resumes from it when it exists.
     */
    public SparkTrainingResult fit(JavaRDD<LabelledImage> samples) throws IOException {
        boolean cachedHere = samples.getStorageLevel().equals(StorageLevel.NONE());
        JavaRDD<LabelledImage> data = cachedHere ? samples.persist(StorageLevel.MEMORY_ONLY()) : samples;
        try {
            return fitCached(data);
        } finally {
            if (cachedHere) data.unpersist(false);
        }
    }

    private SparkTrainingResult fitCached(JavaRDD<LabelledImage> data) throws IOException {
        int[] sizes = partitionSizes(data);
        BatchPlan plan = new BatchPlan(sizes, config.globalBatch(), config.seed());
        long totalSteps = config.steps() > 0 ? config.steps() : (long) config.epochs() * plan.stepsPerEpoch();
        InputScaling scaling = new InputScaling(config.normalization(), spec.channels());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.context());
        Model model = spec.build(config.seed());
        try {
            model.setPreprocessing(Preprocessing.of(config.normalization(), spec.channels(), classNames()));
            List<StepTiming> timings = new ArrayList<>();
            try (Optimizer optimizer = config.optimizer().create(model)) {
                StepRates rates = new StepRates(config.schedule(), config.localSteps() == 0 ? optimizer.learningRate() : config.localLearningRate(),
                        plan.stepsPerEpoch());
                DriverCheckpoint checkpoint = config.checkpoint() == null ? null : new DriverCheckpoint(config.checkpoint());
                String partitioning = Arrays.toString(sizes);
                long step = checkpoint == null ? 0 : checkpoint.restore(model, optimizer, partitioning);
                int epochStart = 0;   // index in timings of the current epoch's first step
                while (step < totalSteps) {
                    // A synchronous step takes one batch; a local-SGD round up to localSteps of them.
                    int batches = (int) Math.min(Math.max(1, config.localSteps()), totalSteps - step);
                    long first = step;
                    PartitionWork work;
                    if (config.localSteps() == 0) {
                        optimizer.setLearningRate(rates.at(step));
                        work = shared -> new PartitionGradient(spec, shared, scaling, plan, first);
                    } else {
                        double[] local = rates.from(step, batches);
                        work = shared -> new PartitionLocalSgd(spec, shared, scaling, plan, first, local);
                    }
                    timings.add(step(sc, data, model, optimizer, step, work));
                    long done = step + batches;
                    if (checkpoint != null && (done / config.checkpointEvery() > step / config.checkpointEvery() || done == totalSteps))
                        checkpoint.save(model, optimizer, done, partitioning);
                    if (done / plan.stepsPerEpoch() > step / plan.stepsPerEpoch() || done == totalSteps) {
                        int epoch = (int) ((done + plan.stepsPerEpoch() - 1) / plan.stepsPerEpoch());
                        config.epochListener().onEpoch(epoch, model, List.copyOf(timings.subList(epochStart, timings.size())));
                        epochStart = timings.size();
                    }
                    step = done;
                }
            }
            return new SparkTrainingResult(model, timings);
        } catch (RuntimeException | IOException e) {
            model.close();
            throw e;
        }
    }

    /** What every partition computes in one step, given the step's broadcast values (made on the driver, never serialised itself). */
    private interface PartitionWork {
        Function2<Integer, Iterator<LabelledImage>, Iterator<GradientSum>> task(Broadcast<ModelValues> values);
    }

    private StepTiming step(JavaSparkContext sc, JavaRDD<LabelledImage> data, Model model, Optimizer optimizer, long step, PartitionWork work) {
        long t0 = System.nanoTime();
        // Fresh arrays per step: in local mode executors read the broadcast object itself, which
        // must not change under a straggling task of the previous step.
        Broadcast<ModelValues> shared = sc.broadcast(new ModelValues(model.parameters().toArray(),
                model.state() == null ? null : model.state().toArray()));
        GradientSum sum;
        try {
            sum = data.mapPartitionsWithIndex(work.task(shared), false).treeAggregate(new GradientSum(), GradientSum::add, GradientSum::add);
        } finally {
            shared.destroy();   // one parameter copy per step, not one per step ever taken, stays on the executors
        }
        long t1 = System.nanoTime();
        model.gradients().copyFrom(perSample(sum.gradient(), sum.samples()));
        if (!model.gradientsFinite())
            throw new IllegalStateException("training diverged at step " + (step + 1) + ": non-finite gradients (try a lower learning rate)");
        if (sum.state() != null) model.state().copyFrom(perSample(sum.state(), sum.samples()));
        optimizer.step();
        long t2 = System.nanoTime();
        return new StepTiming(step, t2 - t0, sum.slowestComputeNanos(), t2 - t1, sum.samples(),
                sum.loss() / sum.samples(), (double) sum.correct() / sum.samples());
    }

    /** {@code weighted} (a sum over samples) divided by the {@code samples}, in place: the sample-weighted mean. */
    private static float[] perSample(float[] weighted, long samples) {
        float scale = 1f / samples;   // exact for powers of two, so one partition's sum × n ÷ n gives back its mean bit for bit
        for (int i = 0; i < weighted.length; i++) weighted[i] *= scale;
        return weighted;
    }

    private static int[] partitionSizes(JavaRDD<LabelledImage> data) {
        List<Integer> counts = data.mapPartitions(it -> {
            int n = 0;
            for (; it.hasNext(); it.next()) n++;
            return List.of(n).iterator();
        }).collect();
        return counts.stream().mapToInt(Integer::intValue).toArray();
    }

    private List<String> classNames() {
        if (config.classNames() != null) return config.classNames();
        List<String> names = new ArrayList<>(spec.classes());
        for (int c = 0; c < spec.classes(); c++) names.add(Integer.toString(c));
        return names;
    }
}

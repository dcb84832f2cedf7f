package io.github.conv4j.train;

import io.github.conv4j.data.BatchConfig;
import io.github.conv4j.data.Batches;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.Model;
import io.github.conv4j.optim.GradientClipping;
import io.github.conv4j.optim.Optimizer;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trains a classifier: epochs of seeded shuffled batches, softmax cross-entropy, one optimiser
 * step per batch, evaluation after each epoch, a checkpoint after each epoch (atomic; resumable),
 * a progress bar and per-epoch listeners, all set in a {@link TrainingConfig}. A non-finite loss
 * or gradient stops training with a {@link TrainingDivergedException} naming where it appeared;
 * the last checkpoint stays untouched.
 * <pre>{@code new Trainer(model, optimizer, new TrainingConfig().epochs(5).batchSize(64)).fit(train, test)}</pre>
 */
public final class Trainer {
    private final Model model;
    private final Optimizer optimizer;
    private final TrainingConfig config;
    private final PrintStream log;
    private final double baseLr;

    /** A trainer of {@code model} with {@code optimizer} (made over the same model), configured by {@code config}. */
    public Trainer(Model model, Optimizer optimizer, TrainingConfig config) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.config = Objects.requireNonNull(config, "config");
        this.log = config.log();
        this.baseLr = optimizer.learningRate();
    }

    /** Runs the remaining epochs (all of them, or those after the checkpoint when resuming), evaluating on {@code test}. */
    public List<EpochResult> fit(Dataset train, Dataset test) throws IOException { return fit(train, null, test); }

    /**
     * Runs the remaining epochs, evaluating after each on {@code validation} (held out of the
     * training data, e.g. by {@link Dataset#split}; null for none) and on {@code test}. Every set's
     * images must have the model's input shape, or an IllegalArgumentException names both.
     */
    public List<EpochResult> fit(Dataset train, Dataset validation, Dataset test) throws IOException {
        InputShapes.requireFits(model, train, "training");
        if (validation != null) InputShapes.requireFits(model, validation, "validation");
        InputShapes.requireFits(model, test, "test");
        Normalization normalization = config.normalizesFromData() ? Normalization.of(train) : config.normalization();
        // The model remembers how its inputs are prepared and what its classes are, so that every
        // file saved from it (checkpoints, the final model) describes itself.
        model.setPreprocessing(Preprocessing.of(normalization, train.channels(), train.classNames()));
        List<EpochResult> history = new ArrayList<>();
        int start = 0;
        if (config.checkpoint() != null) {
            if (ModelFile.removeLeftover(config.checkpoint()))
                log.println("removed an unfinished checkpoint write left by a killed run");
            if (config.resumes() && Files.exists(config.checkpoint())) {
                start = restore(history);
                log.printf("resumed from %s after epoch %d%n", config.checkpoint(), start);
            }
        }
        BatchConfig batching = new BatchConfig().batchSize(config.batchSize()).normalization(normalization);
        BatchConfig evaluating = batching.batchSize(Math.max(config.batchSize(), 256));
        // Only the training batches are augmented and loaded in the background: evaluation sees the images as they are.
        try (Batches trainBatches = batching.shuffle(config.seed()).augment(config.augmentations()).loaderThreads(config.loaderThreads()).create(train);
             Batches validationBatches = validation == null ? null : evaluating.create(validation);
             Batches testBatches = evaluating.create(test);
             SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(config.labelSmoothing(), config.classWeights())) {
            ProgressBar bar = new ProgressBar(log, config.showsProgress());
            int perEpoch = trainBatches.batchCount();
            if (!trainBatches.imageShape().equals(train.shape()))
                throw new IllegalArgumentException("the augmentations turn " + train.describeShape() + " training images into " + trainBatches.imageShape()
                        + ", but the model takes " + train.describeShape());
            for (int epoch = start; epoch < config.epochs(); epoch++) {
                model.train(true);
                trainBatches.startEpoch(epoch);
                long begin = System.nanoTime(), images = 0, correct = 0;
                double lossSum = 0;
                int batch = 0;
                while (trainBatches.next()) {
                    double lr = config.schedule().at(baseLr, optimizer.steps(), perEpoch);
                    optimizer.setLearningRate(lr);
                    model.zeroGrad();
                    Tensor logits = model.forward(trainBatches.images());
                    float l = loss.forward(logits, trainBatches.labels());
                    if (!Float.isFinite(l)) diverged(epoch, batch, "loss " + l);
                    model.backward(loss.gradient());
                    if (!model.gradientsFinite()) diverged(epoch, batch, "a non-finite gradient");
                    if (config.gradientNormLimit() > 0) GradientClipping.clipByGlobalNorm(model.gradients(), config.gradientNormLimit());
                    optimizer.step();
                    int n = trainBatches.size();
                    lossSum += (double) l * n;
                    correct += loss.correct();
                    images += n;
                    batch++;
                    bar.update(epoch + 1, config.epochs(), batch, perEpoch, lossSum / images, images, begin, batch == perEpoch);
                }
                long trainingNanos = System.nanoTime() - begin;
                double seconds = trainingNanos / 1e9;
                double dataWait = Math.min(1, (double) trainBatches.waitNanos() / Math.max(1, trainingNanos));
                Evaluation eval = Evaluation.of(model, testBatches);
                Evaluation held = validationBatches == null ? null : Evaluation.of(model, validationBatches);
                EpochResult r = new EpochResult(epoch + 1, lossSum / images, (double) correct / images, eval.loss(), eval.accuracy(),
                        images / seconds, seconds, optimizer.learningRate(),
                        held == null ? Double.NaN : held.loss(), held == null ? Double.NaN : held.accuracy(), dataWait);
                history.add(r);
                if (config.checkpoint() != null) checkpoint(history);
                for (EpochListener listener : config.listeners()) listener.onEpoch(r);
            }
        }
        return history;
    }

    private void diverged(int epoch, int batch, String what) {
        String where = model.firstNonFinite();
        throw new TrainingDivergedException("training diverged in epoch " + (epoch + 1) + ", batch " + (batch + 1) + ": " + what
                + (where == null ? "" : "; first non-finite values in " + where)
                + (config.checkpoint() == null || !Files.exists(config.checkpoint()) ? "" : "; the last good checkpoint " + config.checkpoint() + " is kept")
                + " (try a lower learning rate)");
    }

    private void checkpoint(List<EpochResult> history) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(config.metadata());
        meta.put("checkpoint.epoch", Integer.toString(history.get(history.size() - 1).epoch()));
        meta.put("checkpoint.steps", Long.toString(optimizer.steps()));
        meta.put("checkpoint.trainingSteps", Long.toString(model.trainingSteps()));
        meta.put("checkpoint.optimizer", optimizer.describe());
        StringBuilder h = new StringBuilder();
        for (EpochResult r : history) h.append(h.length() == 0 ? "" : ";").append(r.encode());
        meta.put("checkpoint.history", h.toString());
        Map<String, Tensor> extras = new LinkedHashMap<>();
        List<Tensor> state = optimizer.state();
        for (int i = 0; i < state.size(); i++) extras.put("optimizer." + i, state.get(i));
        ModelFile.save(config.checkpoint(), model, meta, extras);
    }

    /** Loads parameters, model state and optimiser state from the checkpoint; returns the epochs done. */
    private int restore(List<EpochResult> history) throws IOException {
        try (ModelFile.Loaded ck = ModelFile.load(config.checkpoint()); Model saved = ck.model()) {
            if (!saved.summary().rows().equals(model.summary().rows()))
                throw new IOException(config.checkpoint() + ": checkpoint of a different architecture");
            if (model.parameters() != null) model.parameters().copyFrom(saved.parameters());
            if (model.state() != null) model.state().copyFrom(saved.state());
            List<Tensor> state = optimizer.state();
            for (int i = 0; i < state.size(); i++) {
                Tensor t = ck.extras().get("optimizer." + i);
                if (t == null || t.size() != state.get(i).size())
                    throw new IOException(config.checkpoint() + ": optimiser state " + i + " missing or of another size (different optimiser?)");
                state.get(i).copyFrom(t);
            }
            optimizer.setSteps(Long.parseLong(ck.metadata().getOrDefault("checkpoint.steps", "0")));
            // Dropout's masks are keyed on the model's training steps: continue their sequence.
            model.setTrainingSteps(Long.parseLong(ck.metadata().getOrDefault("checkpoint.trainingSteps",
                    Long.toString(optimizer.steps()))));
            String h = ck.metadata().getOrDefault("checkpoint.history", "");
            if (!h.isEmpty()) for (String s : h.split(";")) history.add(EpochResult.decode(s));
            return Integer.parseInt(ck.metadata().getOrDefault("checkpoint.epoch", "0"));
        } catch (IllegalArgumentException e) {
            throw new IOException(config.checkpoint() + ": bad checkpoint metadata: " + e.getMessage(), e);
        }
    }
}

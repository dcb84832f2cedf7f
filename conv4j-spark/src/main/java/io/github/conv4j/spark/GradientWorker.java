package io.github.conv4j.spark;

import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.Model;
import io.github.conv4j.optim.Optimizer;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Tensor;
import java.util.List;

/**
 * A native model and its loss on an executor, used by one task at a time (see
 * {@link ExecutorModels}): loads the broadcast parameters (and running statistics), runs forward
 * and backward over a partition's share of the batch, and hands back the result as plain arrays,
 * the only thing that leaves the executor. Lives as long as the executor's JVM.
 * <p>
 * BatchNorm layers normalise with the statistics of this partition's share alone (the "local BN"
 * of data-parallel training, as PyTorch's DDP without SyncBatchNorm) and update the running
 * statistics from them; the worker returns those, weighted by its samples, for the driver to
 * average.
 */
final class GradientWorker {
    private final ModelSpec spec;
    private final Model model;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private Optimizer localSgd;   // plain SGD for local rounds, made on first use; stateless without momentum

    /** A worker with a fresh model of {@code spec} (its initial values are overwritten every step). */
    GradientWorker(ModelSpec spec) {
        this.spec = spec;
        this.model = spec.build(0);
        model.train(true);
    }

    /**
     * The gradient summed over {@code samples} (the mean-loss gradient times their count) of the
     * model with {@code start}'s values, at optimiser step {@code step} (what random layers key on),
     * and the running statistics after that forward, times the count.
     */
    GradientSum gradientSum(ModelValues start, List<LabelledImage> samples, InputScaling scaling, long step) {
        long begin = System.nanoTime();
        int n = samples.size();
        if (n == 0) return new GradientSum(null, null, 0, 0, 0, System.nanoTime() - begin);
        load(start);
        float meanLoss = forwardBackward(samples, scaling, step);
        float[] gradient = new float[start.parameters().length];
        model.gradients().copyTo(gradient);
        for (int i = 0; i < gradient.length; i++) gradient[i] *= n;   // mean → sum, so partitions' sums add up
        return new GradientSum(gradient, weightedState(n), n, (double) meanLoss * n, loss.correct(), System.nanoTime() - begin);
    }

    /**
     * One local-SGD round: from {@code start}'s values, a plain SGD step of {@code learningRates[h]}
     * on each of {@code batches} in turn (plan steps {@code firstStep, firstStep + 1, ...});
     * returns {@code (parameters − result)} times the samples seen, so that the driver's sum
     * divided by all samples seen is the move of the sample-weighted average model (the
     * pseudo-gradient an outer optimiser applies), and the running statistics at the round's end
     * times the samples seen.
     */
    GradientSum localSgd(ModelValues start, List<List<LabelledImage>> batches, InputScaling scaling, long firstStep, double[] learningRates) {
        long begin = System.nanoTime();
        if (localSgd == null) localSgd = new SgdConfig().create(model);
        load(start);
        long seen = 0, correct = 0;
        double lossSum = 0;
        for (int h = 0; h < batches.size(); h++) {
            List<LabelledImage> batch = batches.get(h);
            if (batch.isEmpty()) continue;
            lossSum += (double) forwardBackward(batch, scaling, firstStep + h) * batch.size();
            correct += loss.correct();
            seen += batch.size();
            localSgd.setLearningRate(learningRates[h]);
            localSgd.step();
        }
        if (seen == 0) return new GradientSum(null, null, 0, 0, 0, System.nanoTime() - begin);
        float[] parameters = start.parameters(), moved = new float[parameters.length];
        model.parameters().copyTo(moved);
        for (int i = 0; i < moved.length; i++) moved[i] = (parameters[i] - moved[i]) * seen;
        return new GradientSum(moved, weightedState(seen), seen, lossSum, correct, System.nanoTime() - begin);
    }

    /** Sets the model's parameters and running statistics to the driver's. */
    private void load(ModelValues values) {
        model.parameters().copyFrom(values.parameters());
        if (values.state() != null) model.state().copyFrom(values.state());
    }

    /** The model's running statistics times {@code samples} (their weight in the driver's mean), or null when it has none. */
    private float[] weightedState(long samples) {
        if (model.state() == null) return null;
        float[] state = model.state().toArray();
        for (int i = 0; i < state.length; i++) state[i] *= samples;
        return state;
    }

    /** Forward and backward of the model's current parameters over {@code samples}; the gradients hold the mean-loss gradient. */
    private float forwardBackward(List<LabelledImage> samples, InputScaling scaling, long step) {
        int n = samples.size(), per = spec.valuesPerImage(), plane = spec.height() * spec.width();
        float[] images = new float[n * per];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            LabelledImage s = samples.get(i);
            if (s.pixels().length != per)
                throw new IllegalArgumentException("a sample of " + s.pixels().length + " bytes for a model of input " + spec.input());
            scaling.scale(s.pixels(), plane, images, i * per);
            labels[i] = s.label();
        }
        model.setTrainingSteps(step);
        model.zeroGrad();
        try (Tensor x = Tensor.of(images, n, spec.channels(), spec.height(), spec.width()); IntTensor y = new IntTensor(n)) {
            y.copyFrom(labels, 0, n);
            float meanLoss = loss.forward(model.forward(x), y);
            model.backward(loss.gradient());
            return meanLoss;
        }
    }
}

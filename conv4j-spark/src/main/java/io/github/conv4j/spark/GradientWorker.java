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
 * {@link ExecutorModels}): loads the broadcast parameters, runs forward and backward over a
 * partition's share of the batch, and hands back the result as a plain array, the only thing
 * that leaves the executor. Lives as long as the executor's JVM.
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
     * model with {@code parameters}, at optimiser step {@code step} (what random layers key on).
     */
    GradientSum gradientSum(float[] parameters, List<LabelledImage> samples, InputScaling scaling, long step) {
        long start = System.nanoTime();
        int n = samples.size();
        if (n == 0) return new GradientSum(null, 0, 0, 0, System.nanoTime() - start);
        model.parameters().copyFrom(parameters);
        float meanLoss = forwardBackward(samples, scaling, step);
        float[] gradient = new float[parameters.length];
        model.gradients().copyTo(gradient);
        for (int i = 0; i < gradient.length; i++) gradient[i] *= n;   // mean → sum, so partitions' sums add up
        return new GradientSum(gradient, n, (double) meanLoss * n, loss.correct(), System.nanoTime() - start);
    }

    /**
     * One local-SGD round: from {@code parameters}, a plain SGD step of {@code learningRate} on each
     * of {@code batches} in turn (plan steps {@code firstStep, firstStep + 1, ...}); returns
     * {@code (parameters − result)} times the samples seen, so that the driver's sum divided by
     * all samples seen is the move of the sample-weighted average model (the pseudo-gradient an
     * outer optimiser applies).
     */
    GradientSum localSgd(float[] parameters, List<List<LabelledImage>> batches, InputScaling scaling, long firstStep, double learningRate) {
        long start = System.nanoTime();
        if (localSgd == null) localSgd = new SgdConfig().create(model);
        localSgd.setLearningRate(learningRate);
        model.parameters().copyFrom(parameters);
        long seen = 0, correct = 0;
        double lossSum = 0;
        for (int h = 0; h < batches.size(); h++) {
            List<LabelledImage> batch = batches.get(h);
            if (batch.isEmpty()) continue;
            lossSum += (double) forwardBackward(batch, scaling, firstStep + h) * batch.size();
            correct += loss.correct();
            seen += batch.size();
            localSgd.step();
        }
        if (seen == 0) return new GradientSum(null, 0, 0, 0, System.nanoTime() - start);
        float[] moved = new float[parameters.length];
        model.parameters().copyTo(moved);
        for (int i = 0; i < moved.length; i++) moved[i] = (parameters[i] - moved[i]) * seen;
        return new GradientSum(moved, seen, lossSum, correct, System.nanoTime() - start);
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

package io.github.conv4j.spark;

import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.Model;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Tensor;
import java.util.List;

/**
 * A native model and its loss on an executor, used by one task at a time (see
 * {@link ExecutorModels}): loads the broadcast parameters, runs forward and backward over a
 * partition's share of the batch, and hands back the gradient as a plain array, the only thing
 * that leaves the executor. Lives as long as the executor's JVM.
 */
final class GradientWorker {
    private final ModelSpec spec;
    private final Model model;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();

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
        int n = samples.size(), per = spec.valuesPerImage(), plane = spec.height() * spec.width();
        if (n == 0) return new GradientSum(null, 0, 0, 0, System.nanoTime() - start);
        float[] images = new float[n * per];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            LabelledImage s = samples.get(i);
            if (s.pixels().length != per)
                throw new IllegalArgumentException("a sample of " + s.pixels().length + " bytes for a model of input " + spec.input());
            scaling.scale(s.pixels(), plane, images, i * per);
            labels[i] = s.label();
        }
        model.parameters().copyFrom(parameters);
        model.setTrainingSteps(step);
        model.zeroGrad();
        float meanLoss;
        try (Tensor x = Tensor.of(images, n, spec.channels(), spec.height(), spec.width()); IntTensor y = new IntTensor(n)) {
            y.copyFrom(labels, 0, n);
            meanLoss = loss.forward(model.forward(x), y);
            model.backward(loss.gradient());
        }
        float[] gradient = new float[parameters.length];
        model.gradients().copyTo(gradient);
        for (int i = 0; i < gradient.length; i++) gradient[i] *= n;   // mean → sum, so partitions' sums add up
        return new GradientSum(gradient, n, (double) meanLoss * n, loss.correct(), System.nanoTime() - start);
    }
}

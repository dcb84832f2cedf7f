package io.github.conv4j.optim;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Tensor;
import java.util.List;

/** Adam, and AdamW when the weight decay is decoupled (PyTorch's update rules). */
public final class Adam implements Optimizer {
    private final Tensor params, grads, m, v;
    private final float beta1, beta2, eps, weightDecay;
    private final boolean decoupled;
    private double lr;
    private long steps;

    /** Adam with PyTorch's defaults (betas 0.9, 0.999; eps 1e-8; no weight decay). */
    public static Adam adam(Sequential model, double lr) { return new Adam(model, lr, 0.9, 0.999, 1e-8, 0, false); }

    /** AdamW with PyTorch's default weight decay 0.01. */
    public static Adam adamW(Sequential model, double lr) { return new Adam(model, lr, 0.9, 0.999, 1e-8, 0.01, true); }

    public Adam(Sequential model, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        if (!(lr > 0)) throw new IllegalArgumentException("Adam: learning rate must be positive, got " + lr);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1))
            throw new IllegalArgumentException("Adam: betas must be in [0, 1), got " + beta1 + ", " + beta2);
        if (!(eps > 0) || !(weightDecay >= 0)) throw new IllegalArgumentException("Adam: eps must be > 0 and weight decay >= 0");
        this.params = model.parameters();
        this.grads = model.gradients();
        if (params == null || grads == null) throw new IllegalArgumentException("Adam: the model has no trainable parameters");
        this.m = Tensor.zeros(params.shape());
        this.v = Tensor.zeros(params.shape());
        this.lr = lr;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
        this.decoupled = decoupled;
    }

    @Override public void step() {
        steps++;
        Conv4jNative.adamStep(params.size(), params.pointer(), grads.pointer(), m.pointer(), v.pointer(), (float) lr, beta1, beta2,
                eps, weightDecay, decoupled ? 1 : 0, steps);
    }

    @Override public double learningRate() { return lr; }
    @Override public void setLearningRate(double lr) { this.lr = lr; }
    @Override public long steps() { return steps; }
    @Override public void setSteps(long steps) { this.steps = steps; }
    @Override public List<Tensor> state() { return List.of(m, v); }

    @Override public String describe() {
        return (decoupled ? "adamw" : "adam") + "(lr " + lr + (weightDecay > 0 ? ", weight decay " + weightDecay : "") + ")";
    }

    @Override public void close() { m.close(); v.close(); }
}

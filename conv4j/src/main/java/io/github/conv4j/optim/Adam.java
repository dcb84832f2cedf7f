package io.github.conv4j.optim;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.nn.Model;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.Objects;

/**
 * Adam, and AdamW when the weight decay is decoupled (PyTorch's update rules). Made by
 * {@link AdamConfig#create}; owns two off-heap moment buffers, so close it (before the model).
 */
public final class Adam implements Optimizer {
    private final Tensor params, grads, m, v;
    private final AdamConfig config;
    private final float beta1, beta2, eps, weightDecay;
    private double lr;
    private long steps;

    Adam(Model model, AdamConfig config) {
        Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        this.params = model.parameters();
        this.grads = model.gradients();
        if (params == null || grads == null) throw new IllegalArgumentException("Adam: the model has no trainable parameters");
        this.m = Tensor.zeros(params.shape());
        this.v = Tensor.zeros(params.shape());
        this.lr = config.learningRate();
        this.beta1 = (float) config.beta1();
        this.beta2 = (float) config.beta2();
        this.eps = (float) config.eps();
        this.weightDecay = (float) config.weightDecay();
    }

    /** The hyperparameters this optimiser was made with (its learning rate as configured, before any schedule). */
    public AdamConfig config() { return config; }

    @Override public void step() {
        steps++;
        Conv4jNative.adamStep(params.size(), params.pointer(), grads.pointer(), m.pointer(), v.pointer(), (float) lr, beta1, beta2,
                eps, weightDecay, config.isDecoupled() ? 1 : 0, steps);
    }

    @Override public double learningRate() { return lr; }
    @Override public void setLearningRate(double lr) { this.lr = lr; }
    @Override public long steps() { return steps; }
    @Override public void setSteps(long steps) { this.steps = steps; }
    @Override public List<Tensor> state() { return List.of(m, v); }
    @Override public String describe() { return describe(lr, config); }

    static String describe(double lr, AdamConfig c) {
        return (c.isDecoupled() ? "adamw" : "adam") + "(lr " + lr + (c.weightDecay() > 0 ? ", weight decay " + (float) c.weightDecay() : "") + ")";
    }

    @Override public void close() { m.close(); v.close(); }
}

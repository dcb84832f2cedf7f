package io.github.conv4j.optim;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Tensor;
import java.util.List;

/** Stochastic gradient descent with momentum, Nesterov momentum and weight decay (PyTorch's update rule). */
public final class Sgd implements Optimizer {
    private final Tensor params, grads, velocity;
    private final float momentum, dampening, weightDecay;
    private final boolean nesterov;
    private double lr;
    private long steps;

    public Sgd(Sequential model, double lr) { this(model, lr, 0, 0, false); }

    public Sgd(Sequential model, double lr, double momentum, double weightDecay, boolean nesterov) {
        if (!(lr > 0)) throw new IllegalArgumentException("SGD: learning rate must be positive, got " + lr);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("SGD: momentum must be in [0, 1), got " + momentum);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("SGD: weight decay must be non-negative, got " + weightDecay);
        if (nesterov && momentum == 0) throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0");
        this.params = model.parameters();
        this.grads = model.gradients();
        if (params == null || grads == null) throw new IllegalArgumentException("SGD: the model has no trainable parameters");
        this.velocity = Tensor.zeros(params.shape());
        this.lr = lr;
        this.momentum = (float) momentum;
        this.dampening = 0f;
        this.weightDecay = (float) weightDecay;
        this.nesterov = nesterov;
    }

    @Override public void step() {
        Conv4jNative.sgdStep(params.size(), params.pointer(), grads.pointer(), velocity.pointer(), (float) lr, momentum, dampening,
                weightDecay, nesterov ? 1 : 0, steps == 0 ? 1 : 0);
        steps++;
    }

    @Override public double learningRate() { return lr; }
    @Override public void setLearningRate(double lr) { this.lr = lr; }
    @Override public long steps() { return steps; }
    @Override public void setSteps(long steps) { this.steps = steps; }
    @Override public List<Tensor> state() { return List.of(velocity); }

    @Override public String describe() {
        return "sgd(lr " + lr + (momentum > 0 ? ", momentum " + momentum : "") + (nesterov ? ", nesterov" : "")
                + (weightDecay > 0 ? ", weight decay " + weightDecay : "") + ")";
    }

    @Override public void close() { velocity.close(); }
}

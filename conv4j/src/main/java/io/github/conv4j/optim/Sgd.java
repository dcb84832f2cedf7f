package io.github.conv4j.optim;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.SlicedPass;
import java.util.Objects;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay
 * (PyTorch's update rule), per parameter group ({@link SgdConfig#group}): one native update per
 * contiguous range of the flat buffer that shares a group's options, the buffer split over the workers
 * ({@link SlicedPass}: elementwise, so the same bits on any thread count). Made by {@link SgdConfig#create}; owns an off-heap velocity buffer, so
 * close it (before the model).
 */
public final class Sgd extends RangeOptimizer {
    private final SgdConfig config;
    private final float momentum, dampening;

    Sgd(Model model, SgdConfig config) {
        super(model, "SGD", Objects.requireNonNull(config, "config").learningRate(), config.weightDecay(), config.grouping(), 1);
        this.config = config;
        this.momentum = (float) config.momentum();
        this.dampening = (float) config.dampening();
    }

    /** The hyperparameters this optimiser was made with (its learning rate as configured, before any schedule). */
    public SgdConfig config() { return config; }

    /** State 0 is the velocity; the first step starts it at the gradient. */
    @Override int update(int r, UpdateRange u, long lo, long hi, float lr, long step) {
        return Conv4jNative.sgdStep(u.length(), lo, hi, param(r), grad(r), state(0, r), lr, momentum, dampening, u.weightDecay(),
                config.isNesterov() ? 1 : 0, step == 1 ? 1 : 0);
    }

    @Override public String describe() { return describe(learningRate(), config); }

    static String describe(double lr, SgdConfig c) {
        return "sgd(lr " + lr + (c.momentum() > 0 ? ", momentum " + (float) c.momentum() : "") + (c.dampening() > 0 ? ", dampening " + (float) c.dampening() : "")
                + (c.isNesterov() ? ", nesterov" : "") + (c.weightDecay() > 0 ? ", weight decay " + (float) c.weightDecay() : "") + c.grouping().describe() + ")";
    }
}

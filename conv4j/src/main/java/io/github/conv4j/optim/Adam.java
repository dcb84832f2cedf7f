package io.github.conv4j.optim;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.SlicedPass;
import java.util.Objects;

/**
 * Adam, and AdamW when the weight decay is decoupled (PyTorch's update rules). Made by
 * {@link AdamConfig#create}; per parameter group ({@link AdamConfig#group}), one native update per
 * contiguous range of the flat buffer sharing a group's options, the buffer split over the workers as SGD's
 * ({@link SlicedPass}); owns two off-heap moment buffers, so close it (before the model).
 */
public final class Adam extends RangeOptimizer {
    private final AdamConfig config;
    private final float beta1, beta2, eps;

    Adam(Model model, AdamConfig config) {
        super(model, "Adam", Objects.requireNonNull(config, "config").learningRate(), config.weightDecay(), config.grouping(), 2);
        this.config = config;
        this.beta1 = (float) config.beta1();
        this.beta2 = (float) config.beta2();
        this.eps = (float) config.eps();
    }

    /** The hyperparameters this optimiser was made with (its learning rate as configured, before any schedule). */
    public AdamConfig config() { return config; }

    /** State 0 is the first moment m, 1 the second v. */
    @Override int update(int r, UpdateRange u, long lo, long hi, float lr, long step) {
        return Conv4jNative.adamStep(u.length(), lo, hi, param(r), grad(r), state(0, r), state(1, r), lr, beta1, beta2, eps,
                u.weightDecay(), config.isDecoupled() ? 1 : 0, step);
    }

    @Override public String describe() { return describe(learningRate(), config); }

    static String describe(double lr, AdamConfig c) {
        return (c.isDecoupled() ? "adamw" : "adam") + "(lr " + lr + (c.weightDecay() > 0 ? ", weight decay " + (float) c.weightDecay() : "") + c.grouping().describe() + ")";
    }
}

package io.github.conv4j.optim;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Status;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.SlicedPass;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.Objects;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Adam, and AdamW when the weight decay is decoupled (PyTorch's update rules). Made by
 * {@link AdamConfig#create}; per parameter group ({@link AdamConfig#group}), one native update per
 * contiguous range of the flat buffer sharing a group's options, the buffer split over the workers as SGD's
 * ({@link SlicedPass}); owns two off-heap moment buffers, so close it (before the model).
 */
public final class Adam implements Optimizer {
    private final Tensor params, grads, m, v;
    private final AdamConfig config;
    private final float beta1, beta2, eps;
    private final List<UpdateRange> ranges;
    private final FloatPointer[] p, g, mp, vp;   // each range's start in params, grads, m, v
    private final SlicedPass pass = new SlicedPass(this::update);
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
        this.ranges = config.grouping().ranges(model, lr, config.weightDecay());
        this.p = UpdateRange.in(ranges, params);
        this.g = UpdateRange.in(ranges, grads);
        this.mp = UpdateRange.in(ranges, m);
        this.vp = UpdateRange.in(ranges, v);
    }

    /** The hyperparameters this optimiser was made with (its learning rate as configured, before any schedule). */
    public AdamConfig config() { return config; }

    @Override public void step() {
        steps++;
        pass.run(params.size());
        params.markWritten();   // written through pointers: caches of the weights (Conv2d's packed copies) must see it
    }

    /** Elements [begin, end) of the flat buffer: each range's part of them. */
    private void update(long begin, long end) {
        for (int r = 0; r < ranges.size(); r++) {
            UpdateRange u = ranges.get(r);
            long lo = u.clamp(begin), hi = u.clamp(end);
            if (lo < hi)
                Status.check(Conv4jNative.adamStep(u.length(), lo, hi, p[r], g[r], mp[r], vp[r], (float) (lr * u.lrFactor()), beta1, beta2, eps,
                        u.weightDecay(), config.isDecoupled() ? 1 : 0, steps), "Adam step");
        }
    }

    @Override public double learningRate() { return lr; }
    @Override public void setLearningRate(double lr) { this.lr = lr; }
    @Override public long steps() { return steps; }
    @Override public void setSteps(long steps) { this.steps = steps; }
    @Override public List<Tensor> state() { return List.of(m, v); }
    @Override public String describe() { return describe(lr, config); }

    static String describe(double lr, AdamConfig c) {
        return (c.isDecoupled() ? "adamw" : "adam") + "(lr " + lr + (c.weightDecay() > 0 ? ", weight decay " + (float) c.weightDecay() : "") + c.grouping().describe() + ")";
    }

    @Override public void close() { m.close(); v.close(); }
}

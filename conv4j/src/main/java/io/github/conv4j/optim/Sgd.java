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
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay
 * (PyTorch's update rule), per parameter group ({@link SgdConfig#group}): one native update per
 * contiguous range of the flat buffer that shares a group's options, the buffer split over the workers
 * ({@link SlicedPass}: elementwise, so the same bits on any thread count). Made by {@link SgdConfig#create}; owns an off-heap velocity buffer, so
 * close it (before the model).
 */
public final class Sgd implements Optimizer {
    private final Tensor params, grads, velocity;
    private final SgdConfig config;
    private final float momentum, dampening;
    private final List<UpdateRange> ranges;
    private final FloatPointer[] p, g, v;   // each range's start in params, grads, velocity
    private final SlicedPass pass = new SlicedPass(this::update);
    private double lr;
    private long steps;

    Sgd(Model model, SgdConfig config) {
        Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        this.params = model.parameters();
        this.grads = model.gradients();
        if (params == null || grads == null) throw new IllegalArgumentException("SGD: the model has no trainable parameters");
        this.velocity = Tensor.zeros(params.shape());
        this.lr = config.learningRate();
        this.momentum = (float) config.momentum();
        this.dampening = (float) config.dampening();
        this.ranges = config.grouping().ranges(model, lr, config.weightDecay());
        this.p = UpdateRange.in(ranges, params);
        this.g = UpdateRange.in(ranges, grads);
        this.v = UpdateRange.in(ranges, velocity);
    }

    /** The hyperparameters this optimiser was made with (its learning rate as configured, before any schedule). */
    public SgdConfig config() { return config; }

    @Override public void step() {
        pass.run(params.size());
        steps++;
        params.markWritten();   // written through pointers: caches of the weights (Conv2d's packed copies) must see it
    }

    /** Elements [begin, end) of the flat buffer: each range's part of them. */
    private void update(long begin, long end) {
        for (int r = 0; r < ranges.size(); r++) {
            UpdateRange u = ranges.get(r);
            long lo = u.clamp(begin), hi = u.clamp(end);
            if (lo < hi)
                Status.check(Conv4jNative.sgdStep(u.length(), lo, hi, p[r], g[r], v[r], (float) (lr * u.lrFactor()), momentum, dampening,
                        u.weightDecay(), config.isNesterov() ? 1 : 0, steps == 0 ? 1 : 0), "SGD step");
        }
    }

    @Override public double learningRate() { return lr; }
    @Override public void setLearningRate(double lr) { this.lr = lr; }
    @Override public long steps() { return steps; }
    @Override public void setSteps(long steps) { this.steps = steps; }
    @Override public List<Tensor> state() { return List.of(velocity); }
    @Override public String describe() { return describe(lr, config); }

    static String describe(double lr, SgdConfig c) {
        return "sgd(lr " + lr + (c.momentum() > 0 ? ", momentum " + (float) c.momentum() : "") + (c.dampening() > 0 ? ", dampening " + (float) c.dampening() : "")
                + (c.isNesterov() ? ", nesterov" : "") + (c.weightDecay() > 0 ? ", weight decay " + (float) c.weightDecay() : "") + c.grouping().describe() + ")";
    }

    @Override public void close() { velocity.close(); }
}

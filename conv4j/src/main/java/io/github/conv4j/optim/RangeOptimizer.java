package io.github.conv4j.optim;

import io.github.conv4j.binding.Status;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.SlicedPass;
import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bytedeco.javacpp.FloatPointer;

/**
 * What {@link Sgd} and {@link Adam} share: the model's flat parameter and gradient buffers, the
 * update ranges of the parameter groups ({@link UpdateRange}), state buffers of the parameters'
 * layout (zeroed), every range's pointers into them made once so that a step allocates nothing,
 * the learning rate and the step count. A step is one {@link SlicedPass} over the flat buffer
 * (elementwise, so the same bits on any thread count): each slice gives every range its part of
 * the slice, the optimiser's native update runs on that part; then the parameters are marked
 * written. The subclass gives only the native update.
 */
abstract class RangeOptimizer implements Optimizer {
    private final String name;
    private final String stepFailed;   // the error's text, made once: a step allocates nothing
    private final Tensor params, grads;   // the model's: kept to see it closed
    private final List<Tensor> state;
    private final List<UpdateRange> ranges;
    private final FloatPointer[] p, g;        // each range's start in params, grads
    private final FloatPointer[][] s;         // s[i][r]: range r's start in state buffer i
    private final SlicedPass pass = new SlicedPass(this::slice);
    private double lr;
    private long steps;

    /**
     * The ranges of {@code model}'s parameters under {@code grouping} (base learning rate
     * {@code lr}, weight decay {@code weightDecay}) and {@code stateBuffers} zeroed state buffers;
     * {@code name} names the optimiser in errors.
     */
    RangeOptimizer(Model model, String name, double lr, double weightDecay, ParameterGrouping grouping, int stateBuffers) {
        Objects.requireNonNull(model, "model");
        this.name = name;
        this.stepFailed = name + " step";
        this.params = model.parameters();
        this.grads = model.gradients();
        if (params == null || grads == null) throw new IllegalArgumentException(name + ": the model has no trainable parameters");
        List<Tensor> buffers = new ArrayList<>();
        for (int i = 0; i < stateBuffers; i++) buffers.add(Tensor.zeros(params.shape()));
        this.state = List.copyOf(buffers);
        this.lr = lr;
        this.ranges = grouping.ranges(model, lr, weightDecay);
        this.p = UpdateRange.in(ranges, params);
        this.g = UpdateRange.in(ranges, grads);
        this.s = new FloatPointer[stateBuffers][];
        for (int i = 0; i < stateBuffers; i++) s[i] = UpdateRange.in(ranges, state.get(i));
    }

    /**
     * The native update of elements [lo, hi) of range {@code r} ({@code u}, at {@link #param},
     * {@link #grad} and {@link #state(int, int)} of it) at learning rate {@code lr} (the group's),
     * in step {@code step} (1 for the first); returns the native {@link Status} code.
     */
    abstract int update(int r, UpdateRange u, long lo, long hi, float lr, long step);

    /** Where range {@code r} starts in the parameters. */
    final FloatPointer param(int r) { return p[r]; }

    /** Where range {@code r} starts in the gradients. */
    final FloatPointer grad(int r) { return g[r]; }

    /** Where range {@code r} starts in state buffer {@code i}. */
    final FloatPointer state(int i, int r) { return s[i][r]; }

    @Override public final void step() {
        // The ranges' pointers were made once: a closed model's buffers must not be written through them.
        if (!params.isOpen() || !grads.isOpen()) throw new IllegalStateException(name + ": the model is closed");
        steps++;
        pass.run(params.size());
        params.markWritten();   // written through pointers: caches of the weights (Conv2d's packed copies) must see it
    }

    /** Elements [begin, end) of the flat buffer: each range's part of them. */
    private void slice(long begin, long end) {
        for (int r = 0; r < ranges.size(); r++) {
            UpdateRange u = ranges.get(r);
            long lo = u.clamp(begin), hi = u.clamp(end);
            if (lo < hi) Status.check(update(r, u, lo, hi, (float) (lr * u.lrFactor()), steps), stepFailed);
        }
    }

    @Override public final double learningRate() { return lr; }
    @Override public final void setLearningRate(double lr) { this.lr = lr; }
    @Override public final long steps() { return steps; }
    @Override public final void setSteps(long steps) { this.steps = steps; }
    @Override public final List<Tensor> state() { return state; }

    @Override public final void close() { for (Tensor t : state) t.close(); }
}

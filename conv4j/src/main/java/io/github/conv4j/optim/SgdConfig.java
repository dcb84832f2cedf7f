package io.github.conv4j.optim;

import io.github.conv4j.nn.Model;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Hyperparameters of {@link Sgd}, set by name; each option returns a new configuration.
 * The defaults are PyTorch's: learning rate 0.001, no momentum, no dampening, no weight decay, no
 * Nesterov momentum.
 * <pre>{@code try (Sgd sgd = new SgdConfig().learningRate(0.01).momentum(0.9).nesterov().create(model)) { ... }}</pre>
 * Every value is checked when it is set, as is the one rule between options (Nesterov momentum
 * needs momentum and no dampening), so a configuration that exists is valid.
 */
public final class SgdConfig implements OptimizerConfig {
    private final double learningRate, momentum, dampening, weightDecay;
    private final boolean nesterov;
    private final ParameterGrouping grouping;

    /** PyTorch's defaults: learning rate 0.001 and plain gradient descent. */
    public SgdConfig() { this(0.001, 0, 0, 0, false, ParameterGrouping.NONE); }

    private SgdConfig(double learningRate, double momentum, double dampening, double weightDecay, boolean nesterov, ParameterGrouping grouping) {
        this.learningRate = Require.positive("learningRate", learningRate);
        this.momentum = Require.fraction("momentum", momentum);
        if (!(dampening >= 0 && dampening <= 1)) throw new IllegalArgumentException("dampening must be in [0, 1], got " + dampening);
        this.dampening = dampening;
        this.weightDecay = Require.nonNegative("weightDecay", weightDecay);
        if (nesterov && (momentum == 0 || dampening != 0))
            throw new IllegalArgumentException("nesterov needs momentum > 0 and dampening 0, got momentum " + momentum + ", dampening " + dampening);
        this.nesterov = nesterov;
        this.grouping = grouping;
    }

    /** The step size, positive (default 0.001); a {@link LrSchedule} scales it during training. */
    public SgdConfig learningRate(double lr) { return new SgdConfig(lr, momentum, dampening, weightDecay, nesterov, grouping); }

    /** Momentum factor in [0, 1) (default 0: none). */
    public SgdConfig momentum(double m) { return new SgdConfig(learningRate, m, dampening, weightDecay, nesterov, grouping); }

    /** Dampening of the gradient added to the momentum buffer, in [0, 1] (default 0; not with Nesterov momentum). */
    public SgdConfig dampening(double d) { return new SgdConfig(learningRate, momentum, d, weightDecay, nesterov, grouping); }

    /** L2 penalty added to the gradient, non-negative (default 0). */
    public SgdConfig weightDecay(double wd) { return new SgdConfig(learningRate, momentum, dampening, wd, nesterov, grouping); }

    /** Nesterov momentum on; needs {@link #momentum} &gt; 0 set first and no dampening. */
    public SgdConfig nesterov() { return nesterov(true); }

    /** Nesterov momentum on or off (default off); on needs {@link #momentum} &gt; 0 set first and no dampening. */
    public SgdConfig nesterov(boolean on) { return new SgdConfig(learningRate, momentum, dampening, weightDecay, on, grouping); }

    /**
     * Parameters whose {@code state_dict} name {@code names} accepts (e.g. {@code layer4.1.conv2.weight})
     * form a group with the options {@code options} sets, for example
     * {@code .group(n -> n.startsWith("fc."), g -> g.learningRate(0.01))}. Groups are consulted in
     * the order they were added; the first that accepts a name decides, and a parameter no group
     * accepts keeps this configuration's options. Each group is updated by one native call per
     * contiguous run of the flat buffer, without copying parameters.
     */
    public SgdConfig group(Predicate<String> names, UnaryOperator<ParamGroup> options) {
        return new SgdConfig(learningRate, momentum, dampening, weightDecay, nesterov, grouping.with(names, options));
    }

    /**
     * Freezes every parameter whose name starts with {@code prefix} (e.g. {@code "layer1."}): a
     * {@link #group} that is {@link ParamGroup#frozen}. Only the update is skipped: the gradients
     * are still computed. To skip that work too, freeze on the model ({@link Model#freeze}),
     * which every optimiser made afterwards also leaves alone.
     */
    public SgdConfig freeze(String prefix) {
        return group(ParameterGrouping.startingWith(prefix), ParamGroup::frozen);
    }

    /** No weight decay on biases and BatchNorm parameters ({@link #noDecayOnBiasAndNorm(boolean)}). */
    public SgdConfig noDecayOnBiasAndNorm() { return noDecayOnBiasAndNorm(true); }

    /**
     * On: biases (names ending in {@code .bias}) and BatchNorm parameters (its {@code weight} and
     * {@code bias}, found as the rank-1 parameters) get no weight decay, whatever their group says;
     * off (the default, as in PyTorch): every parameter gets its group's weight decay.
     */
    public SgdConfig noDecayOnBiasAndNorm(boolean on) { return new SgdConfig(learningRate, momentum, dampening, weightDecay, nesterov, grouping.noDecayOnBiasAndNorm(on)); }

    /** The parameter groups, which the optimiser resolves into update ranges. */
    ParameterGrouping grouping() { return grouping; }

    /** The learning rate the optimiser starts from. */
    public double learningRate() { return learningRate; }
    /** The momentum factor. */
    public double momentum() { return momentum; }
    /** The dampening. */
    public double dampening() { return dampening; }
    /** The weight decay. */
    public double weightDecay() { return weightDecay; }
    /** Whether Nesterov momentum is on. */
    public boolean isNesterov() { return nesterov; }

    /** A new SGD optimiser over {@code model}'s parameters, with a zeroed velocity buffer. */
    @Override public Sgd create(Model model) { return new Sgd(model, this); }

    /** For example {@code sgd(lr 0.01, momentum 0.9, nesterov)}: the options that differ from zero. */
    @Override public String toString() { return Sgd.describe(learningRate, this); }
}

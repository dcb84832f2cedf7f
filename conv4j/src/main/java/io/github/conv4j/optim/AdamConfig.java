package io.github.conv4j.optim;

import io.github.conv4j.nn.Model;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Hyperparameters of {@link Adam} (and AdamW, with {@link #decoupled()} weight decay), set by name;
 * each option returns a new configuration. The defaults are PyTorch's Adam: learning rate 0.001,
 * betas 0.9 and 0.999, eps 1e-8, no weight decay; {@link #adamW()} gives PyTorch's AdamW.
 * <pre>{@code try (Adam adam = AdamConfig.adamW().learningRate(3e-4).create(model)) { ... }}</pre>
 */
public final class AdamConfig implements OptimizerConfig {
    private final double learningRate, beta1, beta2, eps, weightDecay;
    private final boolean decoupled;
    private final ParameterGrouping grouping;

    /** Adam with PyTorch's defaults. */
    public AdamConfig() { this(0.001, 0.9, 0.999, 1e-8, 0, false, ParameterGrouping.NONE); }

    private AdamConfig(double learningRate, double beta1, double beta2, double eps, double weightDecay, boolean decoupled, ParameterGrouping grouping) {
        this.learningRate = Require.positive("learningRate", learningRate);
        this.beta1 = Require.fraction("beta1", beta1);
        this.beta2 = Require.fraction("beta2", beta2);
        this.eps = Require.positive("eps", eps);
        this.weightDecay = Require.nonNegative("weightDecay", weightDecay);
        this.decoupled = decoupled;
        this.grouping = grouping;
    }

    /** AdamW with PyTorch's defaults: Adam's, with decoupled weight decay 0.01. */
    public static AdamConfig adamW() { return new AdamConfig().decoupled().weightDecay(0.01); }

    /** The step size, positive (default 0.001); a {@link LrSchedule} scales it during training. */
    public AdamConfig learningRate(double lr) { return new AdamConfig(lr, beta1, beta2, eps, weightDecay, decoupled, grouping); }

    /** Decay rates of the first and second moment averages, each in [0, 1) (default 0.9, 0.999). */
    public AdamConfig betas(double beta1, double beta2) { return new AdamConfig(learningRate, beta1, beta2, eps, weightDecay, decoupled, grouping); }

    /** Added to the denominator for stability, positive (default 1e-8). */
    public AdamConfig eps(double eps) { return new AdamConfig(learningRate, beta1, beta2, eps, weightDecay, decoupled, grouping); }

    /** Weight decay, non-negative (default 0; 0.01 with {@link #adamW()}): an L2 penalty, or decoupled (AdamW). */
    public AdamConfig weightDecay(double wd) { return new AdamConfig(learningRate, beta1, beta2, eps, wd, decoupled, grouping); }

    /** Decoupled weight decay (AdamW): parameters shrink by lr × weight decay, apart from the gradient. */
    public AdamConfig decoupled() { return decoupled(true); }

    /** Decoupled (AdamW) or L2 (Adam, the default) weight decay. */
    public AdamConfig decoupled(boolean on) { return new AdamConfig(learningRate, beta1, beta2, eps, weightDecay, on, grouping); }

    /**
     * Parameters whose {@code state_dict} name {@code names} accepts (e.g. {@code layer4.1.conv2.weight})
     * form a group with the options {@code options} sets, for example
     * {@code .group(n -> n.startsWith("fc."), g -> g.learningRate(0.01))}. Groups are consulted in
     * the order they were added; the first that accepts a name decides, and a parameter no group
     * accepts keeps this configuration's options. Each group is updated by one native call per
     * contiguous run of the flat buffer, without copying parameters.
     */
    public AdamConfig group(Predicate<String> names, UnaryOperator<ParamGroup> options) {
        return new AdamConfig(learningRate, beta1, beta2, eps, weightDecay, decoupled, grouping.with(names, options));
    }

    /**
     * Freezes every parameter whose name starts with {@code prefix} (e.g. {@code "layer1."}): a
     * {@link #group} that is {@link ParamGroup#frozen}. Only the update is skipped: the gradients
     * are still computed. To skip that work too, freeze on the model ({@link Model#freeze}),
     * which every optimiser made afterwards also leaves alone.
     */
    public AdamConfig freeze(String prefix) {
        return group(ParameterGrouping.startingWith(prefix), ParamGroup::frozen);
    }

    /** No weight decay on biases and BatchNorm parameters ({@link #noDecayOnBiasAndNorm(boolean)}). */
    public AdamConfig noDecayOnBiasAndNorm() { return noDecayOnBiasAndNorm(true); }

    /**
     * On: biases (names ending in {@code .bias}) and BatchNorm parameters (its {@code weight} and
     * {@code bias}, found as the rank-1 parameters) get no weight decay, whatever their group says;
     * off (the default, as in PyTorch): every parameter gets its group's weight decay.
     */
    public AdamConfig noDecayOnBiasAndNorm(boolean on) { return new AdamConfig(learningRate, beta1, beta2, eps, weightDecay, decoupled, grouping.noDecayOnBiasAndNorm(on)); }

    /** The parameter groups, which the optimiser resolves into update ranges. */
    ParameterGrouping grouping() { return grouping; }

    /** The learning rate the optimiser starts from. */
    public double learningRate() { return learningRate; }
    /** Decay rate of the first moment average. */
    public double beta1() { return beta1; }
    /** Decay rate of the second moment average. */
    public double beta2() { return beta2; }
    /** The denominator's stabiliser. */
    public double eps() { return eps; }
    /** The weight decay. */
    public double weightDecay() { return weightDecay; }
    /** Whether the weight decay is decoupled (AdamW). */
    public boolean isDecoupled() { return decoupled; }

    /** A new Adam optimiser over {@code model}'s parameters, with zeroed moments. */
    @Override public Adam create(Model model) { return new Adam(model, this); }

    /** For example {@code adamw(lr 0.001, weight decay 0.01)}. */
    @Override public String toString() { return Adam.describe(learningRate, this); }
}

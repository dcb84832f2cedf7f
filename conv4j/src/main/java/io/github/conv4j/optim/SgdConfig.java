package io.github.conv4j.optim;

import io.github.conv4j.nn.Model;

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

    /** PyTorch's defaults: learning rate 0.001 and plain gradient descent. */
    public SgdConfig() { this(0.001, 0, 0, 0, false); }

    private SgdConfig(double learningRate, double momentum, double dampening, double weightDecay, boolean nesterov) {
        this.learningRate = Require.positive("learningRate", learningRate);
        this.momentum = Require.fraction("momentum", momentum);
        if (!(dampening >= 0 && dampening <= 1)) throw new IllegalArgumentException("dampening must be in [0, 1], got " + dampening);
        this.dampening = dampening;
        this.weightDecay = Require.nonNegative("weightDecay", weightDecay);
        if (nesterov && (momentum == 0 || dampening != 0))
            throw new IllegalArgumentException("nesterov needs momentum > 0 and dampening 0, got momentum " + momentum + ", dampening " + dampening);
        this.nesterov = nesterov;
    }

    /** The step size, positive (default 0.001); a {@link LrSchedule} scales it during training. */
    public SgdConfig learningRate(double lr) { return new SgdConfig(lr, momentum, dampening, weightDecay, nesterov); }

    /** Momentum factor in [0, 1) (default 0: none). */
    public SgdConfig momentum(double m) { return new SgdConfig(learningRate, m, dampening, weightDecay, nesterov); }

    /** Dampening of the gradient added to the momentum buffer, in [0, 1] (default 0; not with Nesterov momentum). */
    public SgdConfig dampening(double d) { return new SgdConfig(learningRate, momentum, d, weightDecay, nesterov); }

    /** L2 penalty added to the gradient, non-negative (default 0). */
    public SgdConfig weightDecay(double wd) { return new SgdConfig(learningRate, momentum, dampening, wd, nesterov); }

    /** Nesterov momentum on; needs {@link #momentum} &gt; 0 set first and no dampening. */
    public SgdConfig nesterov() { return nesterov(true); }

    /** Nesterov momentum on or off (default off); on needs {@link #momentum} &gt; 0 set first and no dampening. */
    public SgdConfig nesterov(boolean on) { return new SgdConfig(learningRate, momentum, dampening, weightDecay, on); }

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

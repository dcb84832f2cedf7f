package io.github.conv4j.optim;

/**
 * The options of one parameter group: its own learning rate, its own weight decay, or frozen (no
 * update at all). An option left unset is the optimiser's. Immutable; each option returns a new
 * group. Used through {@link SgdConfig#group} and {@link AdamConfig#group}:
 * <pre>{@code new SgdConfig().learningRate(0.1).group(name -> name.startsWith("fc."), g -> g.learningRate(0.01))}</pre>
 */
public final class ParamGroup {
    /** Nothing overridden: the optimiser's learning rate and weight decay. */
    static final ParamGroup INHERIT = new ParamGroup(Double.NaN, Double.NaN, false);

    // NaN marks "the optimiser's": both options are otherwise checked to be finite.
    private final double learningRate, weightDecay;
    private final boolean frozen;

    private ParamGroup(double learningRate, double weightDecay, boolean frozen) {
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        this.frozen = frozen;
    }

    /**
     * The group's learning rate, positive. A {@link LrSchedule} scales it as it scales the
     * optimiser's: the group keeps its ratio to the optimiser's rate throughout.
     */
    public ParamGroup learningRate(double lr) { return new ParamGroup(Require.positive("group learningRate", lr), weightDecay, frozen); }

    /** The group's weight decay, non-negative (0: none for this group). */
    public ParamGroup weightDecay(double wd) { return new ParamGroup(learningRate, Require.nonNegative("group weightDecay", wd), frozen); }

    /** No update for the group's parameters: they stay bit-identical (fine-tuning the rest). */
    public ParamGroup frozen() { return new ParamGroup(learningRate, weightDecay, true); }

    /** The group's learning rate, or {@code optimiserLr} when it has none of its own. */
    double learningRateOr(double optimiserLr) { return Double.isNaN(learningRate) ? optimiserLr : learningRate; }

    /** The group's weight decay, or {@code optimiserWd} when it has none of its own. */
    double weightDecayOr(double optimiserWd) { return Double.isNaN(weightDecay) ? optimiserWd : weightDecay; }

    /** True when the group's parameters are not updated. */
    boolean isFrozen() { return frozen; }

    /** For example {@code lr 0.01, weight decay 0} or {@code frozen}: what the group overrides. */
    @Override public String toString() {
        if (frozen) return "frozen";
        String lr = Double.isNaN(learningRate) ? "" : "lr " + learningRate;
        String wd = Double.isNaN(weightDecay) ? "" : "weight decay " + (float) weightDecay;
        return lr.isEmpty() || wd.isEmpty() ? lr + wd : lr + ", " + wd;
    }
}

package io.github.conv4j.optim;

import io.github.conv4j.nn.Model;
import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * How an optimiser configuration splits a model's parameters into groups by their
 * {@code state_dict} names: the first rule whose predicate accepts a name gives that parameter's
 * {@link ParamGroup}; a name no rule accepts keeps the optimiser's options. With
 * {@code noDecayOnBiasAndNorm}, biases and normalisation parameters get no weight decay whatever
 * their group. Immutable; what {@link SgdConfig} and {@link AdamConfig} share.
 */
final class ParameterGrouping {
    static final ParameterGrouping NONE = new ParameterGrouping(List.of(), false);

    private record Rule(Predicate<String> names, ParamGroup group) {}

    private final List<Rule> rules;
    private final boolean noDecayOnBiasAndNorm;

    private ParameterGrouping(List<Rule> rules, boolean noDecayOnBiasAndNorm) {
        this.rules = List.copyOf(rules);
        this.noDecayOnBiasAndNorm = noDecayOnBiasAndNorm;
    }

    /** This grouping with one more rule, consulted after the existing ones. */
    ParameterGrouping with(Predicate<String> names, UnaryOperator<ParamGroup> options) {
        Objects.requireNonNull(names, "names");
        ParamGroup g = Objects.requireNonNull(options, "options").apply(ParamGroup.INHERIT);
        List<Rule> more = new ArrayList<>(rules);
        more.add(new Rule(names, Objects.requireNonNull(g, "the group options returned null")));
        return new ParameterGrouping(more, noDecayOnBiasAndNorm);
    }

    /** The names a configuration's {@code freeze(prefix)} freezes: those starting with {@code prefix}, which must not be empty. */
    static Predicate<String> startingWith(String prefix) {
        if (prefix == null || prefix.isEmpty()) throw new IllegalArgumentException("freeze needs a non-empty name prefix, got '" + prefix + "'");
        return n -> n.startsWith(prefix);
    }

    /** This grouping with weight decay on biases and normalisation parameters off ({@code on}) or as their group says. */
    ParameterGrouping noDecayOnBiasAndNorm(boolean on) { return new ParameterGrouping(rules, on); }

    boolean noDecayOnBiasAndNorm() { return noDecayOnBiasAndNorm; }

    boolean isTrivial() { return rules.isEmpty() && !noDecayOnBiasAndNorm; }

    /**
     * A bias or a normalisation parameter: a name ending in {@code .bias}, or a rank-1 parameter
     * (in conv4j the only rank-1 parameters are biases and BatchNorm's scales, so this also finds
     * a BatchNorm's {@code weight}, whose name alone does not say BatchNorm).
     */
    static boolean isBiasOrNorm(String name, Tensor parameter) {
        return name.endsWith(".bias") || name.equals("bias") || parameter.shape().rank() == 1;
    }

    /**
     * The update ranges of {@code model}'s flat buffer for an optimiser of learning rate
     * {@code lr} and weight decay {@code weightDecay}: neighbouring parameters with the same
     * options merged into one range, parameters frozen here or on the model ({@link Model#freeze}) left out.
     */
    List<UpdateRange> ranges(Model model, double lr, double weightDecay) {
        List<UpdateRange> out = new ArrayList<>();
        long offset = 0;
        // namedParameters() lists the views in buffer order, back to back: offsets are running sums.
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            long size = e.getValue().size();
            ParamGroup g = groupOf(e.getKey());
            if (!g.isFrozen() && !model.isFrozen(e.getKey())) {
                double factor = g.learningRateOr(lr) / lr;
                float wd = noDecayOnBiasAndNorm && isBiasOrNorm(e.getKey(), e.getValue()) ? 0f : (float) g.weightDecayOr(weightDecay);
                UpdateRange last = out.isEmpty() ? null : out.get(out.size() - 1);
                if (last != null && last.offset() + last.length() == offset && last.lrFactor() == factor && last.weightDecay() == wd)
                    out.set(out.size() - 1, new UpdateRange(last.offset(), last.length() + size, factor, wd));
                else
                    out.add(new UpdateRange(offset, size, factor, wd));
            }
            offset += size;
        }
        return List.copyOf(out);
    }

    private ParamGroup groupOf(String name) {
        for (Rule r : rules) if (r.names().test(name)) return r.group();
        return ParamGroup.INHERIT;
    }

    /** For reports: {@code , 2 groups, no decay on bias/norm}, or empty when there is nothing to say. */
    String describe() {
        return (rules.isEmpty() ? "" : ", " + rules.size() + (rules.size() == 1 ? " group" : " groups"))
                + (noDecayOnBiasAndNorm ? ", no decay on bias/norm" : "");
    }
}

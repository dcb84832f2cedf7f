package io.github.conv4j.cli;

import io.github.conv4j.train.EpochResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code conv4j train --recipe NAME}: a named bundle of training flags (model, augmentation,
 * optimiser, schedule, epochs, batch…) chosen together for one goal, plus the data folder it
 * uses when no {@code --data} is given and the test accuracy it aims at. The values are the
 * flags' own, so a recipe is exactly what its flags would spell out, and any flag given on the
 * command line wins over the recipe's value for it.
 *
 * @param name          what {@code --recipe} takes
 * @param goal          one line: what the recipe is for
 * @param defaultData   the data folder used when {@code --data} is not given (an error when it is not there)
 * @param target        the test accuracy (a fraction) the report times: seconds until an epoch first reaches it
 * @param settings      flag (e.g. {@code --epochs}) → its value, of the flag's own type, in the order the help lists them
 */
record Recipe(String name, String goal, Path defaultData, double target, Map<String, Object> settings) {

    /**
     * ≥ 93 % test accuracy on the full Fashion-MNIST (60,000 / 10,000) within 15 minutes on two
     * cores: the four-convolution fashioncnn (37.6 MFLOPs a forward pass), random crops (3 px) and
     * horizontal flips, SGD with Nesterov momentum and decoupled-from-norm weight decay, one epoch's
     * linear warm-up then cosine decay, label smoothing 0.1. docs/benchmarks.md has the measured run.
     */
    static final Recipe FASHION93 = new Recipe("fashion93", "93 % on the full Fashion-MNIST in under 15 minutes on 2 cores",
            Path.of("/usr/share/datasets/fashion-mnist"), 0.93, ordered(
                    "--model", "fashioncnn",
                    "--augment", "crop,flip",
                    "--epochs", 15,
                    "--batch", 128,
                    "--optimizer", "sgd",
                    "--lr", 0.05,
                    "--momentum", 0.9,
                    "--nesterov", true,
                    "--weight-decay", 5e-4,
                    "--no-decay-bias-norm", true,
                    "--label-smoothing", 0.1,
                    "--schedule", "cosine",
                    "--warmup", 469L));   // one epoch of 60,000 images at batch 128

    /** The recipes {@code --recipe} knows. */
    static final List<Recipe> ALL = List.of(FASHION93);

    Recipe {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** The recipe called {@code name}, or a usage error listing the known ones. */
    static Recipe named(CommandSpec spec, String name) {
        for (Recipe r : ALL) if (r.name.equals(name)) return r;
        throw new ParameterException(spec.commandLine(), "--recipe: unknown recipe '" + name + "' (known: "
                + String.join(", ", ALL.stream().map(Recipe::name).toList()) + ")");
    }

    /**
     * Sets each of the recipe's flags that the command line did not give on {@code spec}'s
     * command (already parsed), and {@code dataFlag} to {@link #defaultData} when not given;
     * a usage error when that folder is not there. Returns what was applied.
     */
    Applied applyTo(CommandSpec spec, String dataFlag) {
        List<String> overridden = new ArrayList<>();
        for (Map.Entry<String, Object> s : settings.entrySet()) {
            OptionSpec option = spec.findOption(s.getKey());
            if (option == null) throw new IllegalStateException("recipe " + name + " sets " + s.getKey() + ", which " + spec.name() + " does not have");
            if (given(spec, option)) overridden.add(s.getKey());
            else option.setValue(s.getValue());
        }
        OptionSpec data = spec.findOption(dataFlag);
        if (!given(spec, data)) {
            if (!Files.isDirectory(defaultData))
                throw new ParameterException(spec.commandLine(), "--recipe " + name + " trains on " + defaultData
                        + " by default, which is not there: pass " + dataFlag + " DIR (or install Debian's dataset-fashion-mnist)");
            data.setValue(defaultData);
        }
        Map<String, Object> effective = new LinkedHashMap<>();
        for (String flag : settings.keySet()) effective.put(flag, spec.findOption(flag).getValue());
        return new Applied(this, effective, List.copyOf(overridden));
    }

    private static boolean given(CommandSpec spec, OptionSpec option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private static Map<String, Object> ordered(Object... flagsAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < flagsAndValues.length; i += 2) m.put((String) flagsAndValues[i], flagsAndValues[i + 1]);
        return m;
    }

    /**
     * A recipe as one run applied it.
     *
     * @param effective  each of the recipe's flags → the value the run uses (the recipe's, or the command line's)
     * @param overridden the recipe's flags the command line gave
     */
    record Applied(Recipe recipe, Map<String, Object> effective, List<String> overridden) {
        /** {@code recipe fashion93: --model fashioncnn --epochs 15 … (given on the command line: --epochs)}. */
        String line() {
            StringBuilder b = new StringBuilder("recipe " + recipe.name + ":");
            effective.forEach((flag, value) -> {
                if (!(value instanceof Boolean on)) b.append(' ').append(flag).append(' ').append(value);
                else if (on) b.append(' ').append(flag);   // a switch the run leaves off is not spelled out
            });
            if (!overridden.isEmpty()) b.append(" (given on the command line: ").append(String.join(", ", overridden)).append(')');
            return b.toString();
        }

        /**
         * The report's recipe figures: its name, the effective settings, the flags given over it,
         * the target accuracy and the seconds (since training started, evaluations included) at
         * which an epoch's test accuracy first reached it (null if none of this run's epochs did).
         *
         * @param history the epochs' results
         * @param elapsed epoch → seconds from the start of training to the end of its evaluation (the epochs this run trained)
         */
        Map<String, Object> report(List<EpochResult> history, Map<Integer, Double> elapsed) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("recipe", recipe.name);
            Map<String, Object> settings = new LinkedHashMap<>();
            effective.forEach((flag, value) -> settings.put(flag.substring(2), value));
            r.put("recipe_settings", settings);
            r.put("recipe_overridden", overridden);
            r.put("target_accuracy", recipe.target);
            Double reached = null;
            Integer epoch = null;
            for (EpochResult e : history)
                if (reached == null && e.testAccuracy() >= recipe.target && elapsed.containsKey(e.epoch())) {
                    reached = elapsed.get(e.epoch());
                    epoch = e.epoch();
                }
            r.put("seconds_to_target", reached);
            r.put("epoch_reaching_target", epoch);
            return r;
        }
    }
}

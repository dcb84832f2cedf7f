package io.github.conv4j.data;

import java.util.ArrayList;
import java.util.List;

/**
 * What a model expects of its input and what its outputs mean: every pixel is scaled from its
 * stored value to [0, 1] (8-bit: {@code v / 255}), then standardised per channel,
 * {@code (unit − mean[c]) / std[c]}; output {@code i} is the class {@code classNames().get(i)}.
 *
 * <p>An immutable value. {@link io.github.conv4j.train.Trainer#fit Trainer.fit} attaches one to the
 * model it trains (its normalisation, the training set's class names), {@code ModelFile.save}
 * stores it with the model and {@code ModelFile.load} gives it back, so a saved model is evaluated
 * exactly as it was trained.
 */
public final class Preprocessing {
    private final Normalization normalization;
    private final List<String> classNames;

    private Preprocessing(Normalization normalization, List<String> classNames) {
        if (classNames.isEmpty()) throw new IllegalArgumentException("preprocessing needs at least one class name");
        for (String n : classNames)
            if (n.isEmpty() || n.indexOf('\n') >= 0) throw new IllegalArgumentException("class name '" + n + "' is empty or has a line break");
        this.normalization = normalization;
        this.classNames = List.copyOf(classNames);
    }

    /** Per-channel statistics ({@code mean.length == std.length} = the model's input channels). */
    public static Preprocessing perChannel(float[] mean, float[] std, List<String> classNames) {
        return new Preprocessing(Normalization.perChannel(mean, std), classNames);
    }

    /**
     * {@code norm} for {@code channels} channels (a uniform normalisation is repeated per channel;
     * a per-channel one must have that many).
     */
    public static Preprocessing of(Normalization norm, int channels, List<String> classNames) {
        return new Preprocessing(norm.forChannels(channels), classNames);
    }

    /** No standardisation (mean 0, std 1) and classes named "0", "1", …: what a model without a description is given. */
    public static Preprocessing identity(int channels, int classes) { return of(Normalization.NONE, channels, numberedClasses(classes)); }

    /** "0", "1", … "classes − 1". */
    public static List<String> numberedClasses(int classes) {
        if (classes < 0) throw new IllegalArgumentException("class count must be non-negative, got " + classes);
        List<String> names = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) names.add(Integer.toString(i));
        return List.copyOf(names);
    }

    /** The input channels. */
    public int channels() { return normalization.channels(); }
    /** The mean of one channel. */
    public float mean(int channel) { return normalization.mean(channel); }
    /** The standard deviation of one channel. */
    public float std(int channel) { return normalization.std(channel); }
    /** The normalisation of one channel. */
    public Normalization channel(int channel) { return new Normalization(mean(channel), std(channel)); }
    /** The normalisation of every channel (one mean and std per channel). */
    public Normalization normalization() { return normalization; }
    /** The class names, in output order. */
    public List<String> classNames() { return classNames; }

    /** A value of {@code channel} already scaled to [0, 1], standardised. */
    public float apply(int channel, float unit) { return normalization.apply(channel, unit); }

    @Override public boolean equals(Object o) {
        return o instanceof Preprocessing p && normalization.equals(p.normalization) && classNames.equals(p.classNames);
    }

    @Override public int hashCode() { return 31 * normalization.hashCode() + classNames.hashCode(); }

    @Override public String toString() { return "Preprocessing[" + normalization + ", classes " + classNames + "]"; }
}

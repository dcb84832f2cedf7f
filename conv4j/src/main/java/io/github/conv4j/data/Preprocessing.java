package io.github.conv4j.data;

import java.util.ArrayList;
import java.util.Arrays;
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
    private final float[] mean, std;
    private final List<String> classNames;

    private Preprocessing(float[] mean, float[] std, List<String> classNames) {
        if (mean.length == 0 || mean.length != std.length)
            throw new IllegalArgumentException("preprocessing needs one mean and one std per channel, got " + mean.length + " means and " + std.length + " stds");
        for (int c = 0; c < mean.length; c++) new Normalization(mean[c], std[c]);   // the same checks, per channel
        if (classNames.isEmpty()) throw new IllegalArgumentException("preprocessing needs at least one class name");
        for (String n : classNames)
            if (n.isEmpty() || n.indexOf('\n') >= 0) throw new IllegalArgumentException("class name '" + n + "' is empty or has a line break");
        this.mean = mean.clone();
        this.std = std.clone();
        this.classNames = List.copyOf(classNames);
    }

    /** Per-channel statistics ({@code mean.length == std.length} = the model's input channels). */
    public static Preprocessing perChannel(float[] mean, float[] std, List<String> classNames) {
        return new Preprocessing(mean, std, classNames);
    }

    /** The same normalisation for each of {@code channels} channels. */
    public static Preprocessing of(Normalization norm, int channels, List<String> classNames) {
        float[] m = new float[channels], s = new float[channels];
        Arrays.fill(m, norm.mean());
        Arrays.fill(s, norm.std());
        return new Preprocessing(m, s, classNames);
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

    /** Input channels (one mean and std each). */
    public int channels() { return mean.length; }
    /** Mean subtracted from {@code channel}. */
    public float mean(int channel) { return mean[channel]; }
    /** Standard deviation {@code channel} is divided by. */
    public float std(int channel) { return std[channel]; }
    /** The normalisation of one channel. */
    public Normalization channel(int channel) { return new Normalization(mean[channel], std[channel]); }
    /** Class names, one per output. */
    public List<String> classNames() { return classNames; }

    /** A value of {@code channel} already scaled to [0, 1], standardised. */
    public float apply(int channel, float unit) { return (unit - mean[channel]) / std[channel]; }

    @Override public boolean equals(Object o) {
        return o instanceof Preprocessing p && Arrays.equals(mean, p.mean) && Arrays.equals(std, p.std) && classNames.equals(p.classNames);
    }

    @Override public int hashCode() { return 31 * (31 * Arrays.hashCode(mean) + Arrays.hashCode(std)) + classNames.hashCode(); }

    @Override public String toString() {
        return "Preprocessing[mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ", classes " + classNames + "]";
    }
}

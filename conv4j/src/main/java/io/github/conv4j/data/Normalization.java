package io.github.conv4j.data;

import java.util.Arrays;

/**
 * Input standardisation: every value is first scaled to [0, 1] (8-bit pixels: {@code v / 255};
 * float32 samples are taken as they are), then standardised per channel,
 * {@code (unit − mean[c]) / std[c]}. A normalisation is either <em>uniform</em>, one mean and std
 * for any number of channels (such as {@link #NONE} and {@link #FASHION_MNIST}), or has one pair
 * per channel ({@link #perChannel}, or measured on a training set by {@link #of(Dataset)}).
 * An immutable value.
 */
public final class Normalization {
    /** Fashion-MNIST's training-set statistics (one grey channel). */
    public static final Normalization FASHION_MNIST = new Normalization(0.2860f, 0.3530f);
    /** No standardisation: values stay in [0, 1]. */
    public static final Normalization NONE = new Normalization(0f, 1f);

    /**
     * The smallest standard deviation {@link #of(Dataset)} reports: a channel that is (almost)
     * constant carries no information, and dividing by its ~0 spread would only blow up noise.
     */
    static final float MIN_MEASURED_STD = 1e-3f;

    private final float[] mean, std;

    /** The same {@code mean} and {@code std} for every channel; std must be positive, both finite. */
    public Normalization(float mean, float std) { this(new float[] {mean}, new float[] {std}); }

    private Normalization(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length)
            throw new IllegalArgumentException("normalisation needs one mean and one std per channel, got " + mean.length + " means and " + std.length + " stds");
        for (int c = 0; c < mean.length; c++)
            if (!(std[c] > 0) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c]))
                throw new IllegalArgumentException("normalisation needs a finite mean and a finite std > 0, got " + mean[c] + ", " + std[c]
                        + (mean.length > 1 ? " for channel " + c : ""));
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** One mean and std per channel ({@code mean.length == std.length}, the channel count). */
    public static Normalization perChannel(float[] mean, float[] std) { return new Normalization(mean, std); }

    /**
     * The per-channel mean and (population) standard deviation of {@code data}'s values scaled to
     * [0, 1], computed in double precision; a constant channel gets a std of 0.001 rather than 0.
     * Measure the training set only, so that validation and test data stay unseen.
     */
    public static Normalization of(Dataset data) {
        int channels = data.channels();
        double[] sum = new double[channels], squares = new double[channels];
        data.channelMoments(sum, squares);
        float[] m = new float[channels], s = new float[channels];
        double perChannel = (double) data.size() * data.height() * data.width();
        for (int c = 0; c < channels; c++) {
            double mu = sum[c] / perChannel, variance = Math.max(0, squares[c] / perChannel - mu * mu);
            m[c] = (float) mu;
            s[c] = Math.max(MIN_MEASURED_STD, (float) Math.sqrt(variance));
        }
        return new Normalization(m, s);
    }

    /** Whether one mean and std serve every channel. */
    public boolean isUniform() { return mean.length == 1; }

    /** The channels this normalisation has statistics for (1 when {@link #isUniform() uniform}). */
    public int channels() { return mean.length; }

    /** The mean of {@code channel} (of any channel when uniform). */
    public float mean(int channel) { return mean[index(channel)]; }

    /** The standard deviation of {@code channel} (of any channel when uniform). */
    public float std(int channel) { return std[index(channel)]; }

    /** A value of {@code channel} already scaled to [0, 1], standardised. */
    public float apply(int channel, float unit) { int c = index(channel); return (unit - mean[c]) / std[c]; }

    /**
     * This normalisation with one pair per channel of data with {@code channels} channels: a
     * uniform one is repeated, a per-channel one must have exactly that many.
     */
    public Normalization forChannels(int channels) {
        if (channels <= 0) throw new IllegalArgumentException("channel count must be positive, got " + channels);
        if (isUniform()) {
            float[] m = new float[channels], s = new float[channels];
            Arrays.fill(m, mean[0]);
            Arrays.fill(s, std[0]);
            return new Normalization(m, s);
        }
        if (channels != mean.length)
            throw new IllegalArgumentException("normalisation for " + mean.length + " channels, the data has " + channels);
        return this;
    }

    private int index(int channel) {
        if (isUniform()) return 0;
        if (channel < 0 || channel >= mean.length) throw new IndexOutOfBoundsException("channel " + channel + " of " + mean.length);
        return channel;
    }

    @Override public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override public int hashCode() { return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std); }

    /** {@code Normalization[mean=0.286, std=0.353]}, or with bracketed lists when per channel. */
    @Override public String toString() {
        return isUniform() ? "Normalization[mean=" + mean[0] + ", std=" + std[0] + "]"
                : "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}

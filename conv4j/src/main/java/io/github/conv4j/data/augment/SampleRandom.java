package io.github.conv4j.data.augment;

/**
 * The random numbers of one sample's augmentation: a SplitMix64 stream whose start depends only
 * on (seed, epoch, sample), so the transform of an image is the same whichever loader thread
 * draws it and in whatever order. Mutable and reseeded per sample ({@link #reset}) rather than
 * made anew, so that augmenting allocates nothing; each loader thread owns one.
 */
public final class SampleRandom {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    /** A stream positioned as {@code reset(0, 0, 0)} leaves it. */
    public SampleRandom() { reset(0, 0, 0); }

    /** Restarts the stream at the numbers of {@code sample} (its index in the dataset) in {@code epoch} under {@code seed}. */
    public void reset(long seed, int epoch, int sample) {
        // Mixing the (epoch, sample) pair before adding the seed keeps neighbouring samples' streams unrelated.
        state = mix(seed + GAMMA * (1 + mix(((long) epoch << 32) ^ (sample & 0xFFFFFFFFL))));
    }

    /** The next 64 random bits. */
    public long nextLong() { return mix(state += GAMMA); }

    /** Uniform in [0, 1). */
    public double nextDouble() { return (nextLong() >>> 11) * 0x1.0p-53; }

    /** Uniform in [lo, hi). */
    public double uniform(double lo, double hi) { return lo + (hi - lo) * nextDouble(); }

    /** Uniform in [0, bound), bound positive. */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

package io.github.conv4j.data.augment;

/** Mirrors the image left to right with probability {@code p} (torchvision's {@code RandomHorizontalFlip}, default p = 0.5). */
public final class HorizontalFlip implements Augmentation {
    private final double p;

    /** Flips half of the images. */
    public HorizontalFlip() { this(0.5); }

    /** Flips with probability {@code p}, in [0, 1]. */
    public HorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("HorizontalFlip: p must be in [0, 1], got " + p);
        this.p = p;
    }

    /** The probability of a flip. */
    public double p() { return p; }

    @Override public void apply(float[] src, float[] dst, int channels, int height, int width, SampleRandom random) {
        int n = channels * height * width;
        if (random.nextDouble() >= p) { System.arraycopy(src, 0, dst, 0, n); return; }
        for (int row = 0; row < n; row += width)
            for (int x = 0, last = row + width - 1; x < width; x++) dst[row + x] = src[last - x];
    }

    @Override public String spec() { return "HorizontalFlip p=" + p; }

    @Override public String toString() { return spec(); }
}

package io.github.conv4j.data.augment;

import java.util.Arrays;

/**
 * With probability {@code p}, sets a random rectangle of the image to {@code value} in every
 * channel (Zhong et al.'s random erasing, drawn as torchvision's {@code RandomErasing}): up to ten
 * attempts draw an area of {@code scale} times the image's and an aspect ratio (height / width)
 * log-uniform in {@code ratio}, and the first rectangle that fits is placed uniformly; when none
 * fits the image stays as it is. Defaults as torchvision: p = 0.5, scale [0.02, 0.33], ratio
 * [0.3, 3.3], value 0. Unlike torchvision's usual place after {@code Normalize}, this runs on the
 * [0, 1] scale, so value 0 is black rather than the mean.
 */
public final class RandomErasing implements Augmentation {
    private final double p;
    private final RectangleDraw draw;
    private final float value;

    /** torchvision's defaults: p = 0.5, scale [0.02, 0.33], ratio [0.3, 3.3], value 0. */
    public RandomErasing() { this(0.5, 0.02, 0.33, 0.3, 3.3, 0f); }

    /**
     * Erases with probability {@code p} in [0, 1] a rectangle of {@code [minScale, maxScale]} of the
     * area (0 < minScale ≤ maxScale ≤ 1) and aspect ratio in {@code [minRatio, maxRatio]} (0 < minRatio
     * ≤ maxRatio), filled with {@code value} (finite).
     */
    public RandomErasing(double p, double minScale, double maxScale, double minRatio, double maxRatio, float value) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("RandomErasing: p must be in [0, 1], got " + p);
        this.draw = new RectangleDraw("RandomErasing", minScale, maxScale, minRatio, maxRatio);
        if (!Float.isFinite(value)) throw new IllegalArgumentException("RandomErasing: value must be finite, got " + value);
        this.p = p;
        this.value = value;
    }

    @Override public void apply(float[] src, float[] dst, int channels, int height, int width, SampleRandom random) {
        int plane = height * width;
        System.arraycopy(src, 0, dst, 0, channels * plane);
        if (random.nextDouble() >= p) return;
        for (int attempt = 0; attempt < RectangleDraw.ATTEMPTS; attempt++) {
            double area = draw.area(random, plane), aspect = draw.aspect(random);
            int h = (int) Math.round(Math.sqrt(area * aspect)), w = (int) Math.round(Math.sqrt(area / aspect));
            if (h >= height || w >= width) continue;   // torchvision's test: strictly smaller than the image
            int top = random.nextInt(height - h + 1), left = random.nextInt(width - w + 1);
            for (int c = 0; c < channels; c++)
                for (int y = top; y < top + h; y++) {
                    int from = c * plane + y * width + left;
                    Arrays.fill(dst, from, from + w, value);
                }
            return;
        }
    }

    @Override public String spec() {
        return "RandomErasing p=" + p + " " + draw.spec() + " value=" + value;
    }

    @Override public String toString() { return spec(); }
}

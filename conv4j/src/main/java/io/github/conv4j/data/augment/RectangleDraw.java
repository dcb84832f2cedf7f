package io.github.conv4j.data.augment;

/**
 * The rectangle draw {@link RandomErasing} and {@link RandomResizedCrop} share (torchvision's
 * {@code get_params} of both): up to {@link #ATTEMPTS} times an area of {@code [minScale, maxScale]}
 * times the image's and an aspect ratio log-uniform in {@code [minRatio, maxRatio]}, the area
 * drawn first. Which side the ratio divides, what fits and what happens when nothing does are the
 * augmentation's own.
 */
final class RectangleDraw {
    /** Draws before an augmentation gives up (torchvision's 10). */
    static final int ATTEMPTS = 10;

    final double minScale, maxScale, minRatio, maxRatio;
    private final double logMin, logMax;

    /** Checks 0 < minScale ≤ maxScale ≤ 1 and 0 < minRatio ≤ maxRatio (finite); {@code who} names the augmentation in errors. */
    RectangleDraw(String who, double minScale, double maxScale, double minRatio, double maxRatio) {
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1))
            throw new IllegalArgumentException(who + ": scale must satisfy 0 < min <= max <= 1, got [" + minScale + ", " + maxScale + "]");
        if (!(minRatio > 0 && minRatio <= maxRatio && Double.isFinite(maxRatio)))
            throw new IllegalArgumentException(who + ": ratio must satisfy 0 < min <= max, got [" + minRatio + ", " + maxRatio + "]");
        this.minScale = minScale;
        this.maxScale = maxScale;
        this.minRatio = minRatio;
        this.maxRatio = maxRatio;
        this.logMin = Math.log(minRatio);
        this.logMax = Math.log(maxRatio);
    }

    /** An attempt's area: {@code total} (the image's) times a scale uniform in [minScale, maxScale]; draw it before {@link #aspect}. */
    double area(SampleRandom random, double total) { return total * random.uniform(minScale, maxScale); }

    /** An attempt's aspect ratio, log-uniform in [minRatio, maxRatio]. */
    double aspect(SampleRandom random) { return Math.exp(random.uniform(logMin, logMax)); }

    /** The options as the augmentations' specs write them: {@code scale=[a, b] ratio=[c, d]}. */
    String spec() { return "scale=[" + minScale + ", " + maxScale + "] ratio=[" + minRatio + ", " + maxRatio + "]"; }
}

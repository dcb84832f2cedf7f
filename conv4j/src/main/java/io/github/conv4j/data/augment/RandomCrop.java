package io.github.conv4j.data.augment;

import java.util.Arrays;
import java.util.Objects;

/**
 * Pads the image by {@code padding} on every side and cuts a crop of the original size at a
 * uniformly drawn offset (as torchvision's {@code RandomCrop(size, padding)}): each of the
 * {@code (2·padding + 1)²} placements is equally likely, shifting the content by up to
 * {@code padding} pixels. The border is black (zero) or mirrors the image without repeating its
 * edge (reflect, torchvision's {@code padding_mode="reflect"}).
 */
public final class RandomCrop implements Augmentation {
    /** What the padding holds. */
    public enum Fill {
        /** Zero, black on the [0, 1] scale. */
        ZERO,
        /** The image mirrored about its edge pixels (which are not repeated). */
        REFLECT
    }

    private final int padding;
    private final Fill fill;

    /** Zero padding of {@code padding} pixels, positive. */
    public RandomCrop(int padding) { this(padding, Fill.ZERO); }

    /** Padding of {@code padding} pixels (positive) filled as {@code fill}. */
    public RandomCrop(int padding, Fill fill) {
        if (padding <= 0) throw new IllegalArgumentException("RandomCrop: padding must be positive, got " + padding);
        this.padding = padding;
        this.fill = Objects.requireNonNull(fill, "fill");
    }

    /** The padding on each side, in pixels. */
    public int padding() { return padding; }
    /** What the padding holds. */
    public Fill fill() { return fill; }

    @Override public void requireFits(int channels, int height, int width) {
        // A reflection of p pixels needs p pixels beyond the edge one to mirror.
        if (fill == Fill.REFLECT && (padding >= height || padding >= width))
            throw new IllegalArgumentException("RandomCrop: reflect padding " + padding + " needs images larger than " + padding + " on each side, got "
                    + height + "×" + width);
    }

    @Override public void apply(float[] src, float[] dst, int channels, int height, int width, SampleRandom random) {
        int dy = random.nextInt(2 * padding + 1) - padding, dx = random.nextInt(2 * padding + 1) - padding;
        // Output pixel (y, x) is input pixel (y + dy, x + dx); columns inside [0, width) are one copy.
        // (Zero padding may exceed the image, when a row can lie wholly outside it.)
        int inFrom = Math.min(width, Math.max(0, -dx)), inTo = Math.max(inFrom, Math.min(width, width - dx));
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            for (int y = 0; y < height; y++) {
                int to = plane + y * width, sy = y + dy;
                if (sy < 0 || sy >= height) {
                    if (fill == Fill.ZERO) { Arrays.fill(dst, to, to + width, 0f); continue; }
                    sy = reflect(sy, height);
                }
                int row = plane + sy * width;
                for (int x = 0; x < inFrom; x++) dst[to + x] = edge(src, row, x + dx, width);
                if (inTo > inFrom) System.arraycopy(src, row + inFrom + dx, dst, to + inFrom, inTo - inFrom);
                for (int x = inTo; x < width; x++) dst[to + x] = edge(src, row, x + dx, width);
            }
        }
    }

    private float edge(float[] src, int row, int sx, int width) {
        return fill == Fill.ZERO ? 0f : src[row + reflect(sx, width)];
    }

    private static int reflect(int i, int n) { return i < 0 ? -i : 2 * (n - 1) - i; }

    @Override public String spec() { return "RandomCrop padding=" + padding + " " + fill.name().toLowerCase(java.util.Locale.ROOT); }

    @Override public String toString() { return spec(); }
}

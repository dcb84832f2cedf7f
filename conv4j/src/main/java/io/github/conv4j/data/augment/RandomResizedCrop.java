package io.github.conv4j.data.augment;

/**
 * Cuts a random rectangle of the image and resizes it bilinearly to {@code size}×{@code size}
 * (torchvision's {@code RandomResizedCrop}, the usual augmentation of image folders): up to ten
 * attempts draw an area of {@code scale} times the image's and an aspect ratio (width / height)
 * log-uniform in {@code ratio}, and the first rectangle that fits is placed uniformly; when none
 * fits, the centre crop closest to the ratio range is used. Defaults as torchvision: scale
 * [0.08, 1], ratio [3/4, 4/3]. The resize samples at pixel centres (align_corners = false)
 * without antialiasing.
 */
public final class RandomResizedCrop implements Augmentation {
    private final int size;
    private final RectangleDraw draw;

    /** Output {@code size}×{@code size} (positive), scale [0.08, 1], ratio [3/4, 4/3]. */
    public RandomResizedCrop(int size) { this(size, 0.08, 1, 3.0 / 4, 4.0 / 3); }

    /**
     * Output {@code size}×{@code size} (positive) from rectangles of {@code [minScale, maxScale]} of
     * the area (0 < minScale ≤ maxScale ≤ 1) and width/height ratio in {@code [minRatio, maxRatio]}
     * (0 < minRatio ≤ maxRatio).
     */
    public RandomResizedCrop(int size, double minScale, double maxScale, double minRatio, double maxRatio) {
        if (size <= 0) throw new IllegalArgumentException("RandomResizedCrop: size must be positive, got " + size);
        this.draw = new RectangleDraw("RandomResizedCrop", minScale, maxScale, minRatio, maxRatio);
        this.size = size;
    }

    /** The output side, in pixels. */
    public int size() { return size; }

    @Override public int outputHeight(int height, int width) { return size; }

    @Override public int outputWidth(int height, int width) { return size; }

    @Override public void apply(float[] src, float[] dst, int channels, int height, int width, SampleRandom random) {
        double area = (double) height * width;
        int h = 0, w = 0, top = 0, left = 0;
        boolean found = false;
        for (int attempt = 0; attempt < RectangleDraw.ATTEMPTS && !found; attempt++) {
            double target = draw.area(random, area), aspect = draw.aspect(random);
            w = (int) Math.round(Math.sqrt(target * aspect));
            h = (int) Math.round(Math.sqrt(target / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                top = random.nextInt(height - h + 1);
                left = random.nextInt(width - w + 1);
                found = true;
            }
        }
        if (!found) {   // torchvision's fallback: the whole image, narrowed to the ratio range, centred
            double inRatio = (double) width / height;
            w = width;
            h = height;
            if (inRatio < draw.minRatio) h = (int) Math.round(width / draw.minRatio);
            else if (inRatio > draw.maxRatio) w = (int) Math.round(height * draw.maxRatio);
            top = (height - h) / 2;
            left = (width - w) / 2;
        }
        resize(src, dst, channels, height * width, width, top, left, h, w);
    }

    /** Bilinear resize of the h×w window at (top, left) of each channel to size×size. */
    private void resize(float[] src, float[] dst, int channels, int inPlane, int width, int top, int left, int h, int w) {
        double sy = (double) h / size, sx = (double) w / size;
        for (int c = 0; c < channels; c++) {
            int from = c * inPlane, to = c * size * size;
            for (int y = 0; y < size; y++) {
                double fy = Math.min(h - 1, Math.max(0, (y + 0.5) * sy - 0.5));
                int y0 = (int) fy, y1 = Math.min(y0 + 1, h - 1);
                float wy = (float) (fy - y0);
                int r0 = from + (top + y0) * width + left, r1 = from + (top + y1) * width + left;
                for (int x = 0; x < size; x++) {
                    double fx = Math.min(w - 1, Math.max(0, (x + 0.5) * sx - 0.5));
                    int x0 = (int) fx, x1 = Math.min(x0 + 1, w - 1);
                    float wx = (float) (fx - x0);
                    float a = src[r0 + x0] + wx * (src[r0 + x1] - src[r0 + x0]);
                    float b = src[r1 + x0] + wx * (src[r1 + x1] - src[r1 + x0]);
                    dst[to + y * size + x] = a + wy * (b - a);
                }
            }
        }
    }

    @Override public String spec() {
        return "RandomResizedCrop size=" + size + " " + draw.spec();
    }

    @Override public String toString() { return spec(); }
}

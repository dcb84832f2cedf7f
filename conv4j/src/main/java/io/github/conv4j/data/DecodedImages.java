package io.github.conv4j.data;

import java.util.List;

/**
 * Labelled images as one reader decoded them, N×C×H×W in a single array: unsigned bytes
 * ({@code pixels}) when the source stores bytes, or float32 ({@code values}) when it stores floats;
 * exactly one of the two is present. The arrays are handed over by the reader and not copied (a
 * copy would double the memory of a large set), so holders must treat them as read-only.
 *
 * @param channels   C, 1 (grey) or 3 (red, green, blue planes in that order)
 * @param height     H of every image
 * @param width      W of every image
 * @param pixels     N×C×H×W unsigned 8-bit values, or null when {@code values} holds the images
 * @param values     N×C×H×W float32 values, or null when {@code pixels} holds the images
 * @param labels     N class indices, each in [0, {@code classNames.size()})
 * @param classNames the name of each class, indexed by label
 */
public record DecodedImages(int channels, int height, int width, byte[] pixels, float[] values, int[] labels,
                            List<String> classNames) {

    /** Checks the invariants above; the class names are copied into an unmodifiable list. */
    public DecodedImages {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("image size must be positive, got " + height + "×" + width);
        if ((pixels == null) == (values == null))
            throw new IllegalArgumentException("exactly one of pixels (uint8) and values (float32) must be given");
        if (labels == null || classNames == null) throw new IllegalArgumentException("labels and class names are required");
        classNames = List.copyOf(classNames);
        if (classNames.isEmpty()) throw new IllegalArgumentException("at least one class is needed");
        long expected = (long) labels.length * channels * height * width;
        long held = pixels != null ? pixels.length : values.length;
        if (held != expected)
            throw new IllegalArgumentException(labels.length + " labels need " + expected + " values of " + channels + "×" + height + "×" + width + " images, got " + held);
        for (int i = 0; i < labels.length; i++)
            if (labels[i] < 0 || labels[i] >= classNames.size())
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside [0, " + classNames.size() + ")");
    }

    /** N, the number of images. */
    public int count() { return labels.length; }

    /** The number of classes, {@code classNames().size()}. */
    public int classes() { return classNames.size(); }

    /** C×H×W, the number of values in one image. */
    public int valuesPerImage() { return channels * height * width; }

    /** Whether the images are unsigned bytes ({@link #pixels()}) rather than floats ({@link #values()}). */
    public boolean isBytes() { return pixels != null; }

    /** Class names "0", "1", … for sources that store labels without names. */
    public static List<String> numberedClasses(int classes) {
        if (classes <= 0) throw new IllegalArgumentException("class count must be positive, got " + classes);
        String[] names = new String[classes];
        for (int i = 0; i < classes; i++) names[i] = Integer.toString(i);
        return List.of(names);
    }
}

package io.github.conv4j.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The stored values of a decoded image as planes, and torchvision's {@code Resize(size)} then
 * {@code CenterCrop(size)} of them.
 *
 * <p>Values come from the raster wherever its samples are already what the file stores: grey and
 * sRGB images. {@link BufferedImage#getRGB} would instead convert a grey image through linear
 * grey to sRGB and change every mid-tone (a stored 37 would come back brighter). Only indexed
 * images (whose palettes are sRGB, so the palette's values come back exactly) and other colour
 * spaces (CMYK, for instance) go through {@code getRGB}.
 */
public final class ImageDecoding {
    /** ITU-R 601-2 luma, the weights of PIL's {@code convert("L")} and torchvision's {@code Grayscale}. */
    private static final float LUMA_R = 0.299f, LUMA_G = 0.587f, LUMA_B = 0.114f;

    /**
     * The most pixels {@link #read} decodes: 2^26 (8192×8192), whose raster and float planes take
     * about 1 GiB. A few bytes of header can declare any size, which ImageIO would allocate before
     * reading a single pixel.
     */
    public static final long MAX_PIXELS = 1L << 26;

    private ImageDecoding() {}

    /**
     * Decodes {@code file} as {@link ImageIO#read(java.io.File)} does (the first reader that
     * recognises its content), after checking the size its header declares against
     * {@link #MAX_PIXELS}.
     *
     * @return the image, or null when no ImageIO reader recognises the file
     * @throws IOException if the file cannot be read, the decoder fails (the message does not name
     *                     the file: callers do) or the image declares more than {@link #MAX_PIXELS}
     */
    public static BufferedImage read(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new IOException("cannot open an image stream on it");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) return null;
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0), height = reader.getHeight(0);
                if (width * height > MAX_PIXELS)
                    throw new IOException("it declares " + width + "×" + height + " pixels, more than the " + MAX_PIXELS + " conv4j decodes");
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * {@link #read}, never null, its errors naming the file: an {@link IOException}
     * "FILE: undecodable image: …" for a file no ImageIO reader recognises (not an image format
     * Java can read), one whose decoder fails (ImageIO's decoders report damaged data as an
     * IOException or a RuntimeException, often without naming the file) and one over
     * {@link #MAX_PIXELS}. The readers of image folders and of single images both decode through it.
     */
    public static BufferedImage decode(Path file) throws IOException {
        BufferedImage image;
        try {
            image = read(file);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": undecodable image: " + e.getMessage(), e);
        }
        if (image == null)
            throw new IOException(file + ": undecodable image: not an image format Java can read (PNG, JPEG, GIF, BMP)");
        return image;
    }

    /**
     * Whether the image is grey: a grey colour space, or a palette whose every entry is grey (GIFs
     * and low-depth PNGs of grey images are often stored that way).
     */
    public static boolean isGrey(BufferedImage image) {
        ColorModel model = image.getColorModel();
        if (model instanceof IndexColorModel palette) {
            for (int i = 0; i < palette.getMapSize(); i++) {
                int r = palette.getRed(i);
                if (palette.getGreen(i) != r || palette.getBlue(i) != r) return false;
            }
            return true;
        }
        return model.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    /**
     * The image's values as {@code channels} planes (C×H×W, row-major) on the 0..255 scale: grey
     * images are replicated into three planes, colour images reduced to one by luma when asked,
     * samples of other bit depths (16-bit PNGs) rescaled, and alpha dropped, as PIL's
     * {@code convert("RGB")} does.
     *
     * @param channels 1 or 3
     */
    public static float[] planes(BufferedImage image, int channels) {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        int w = image.getWidth(), h = image.getHeight(), plane = w * h;
        float[] rgb = storedPlanes(image);
        boolean grey = rgb.length == plane;
        if (channels == 3 && grey) {
            float[] out = new float[3 * plane];
            for (int c = 0; c < 3; c++) System.arraycopy(rgb, 0, out, c * plane, plane);
            return out;
        }
        if (channels == 1 && !grey) {
            float[] out = new float[plane];
            for (int p = 0; p < plane; p++) out[p] = LUMA_R * rgb[p] + LUMA_G * rgb[plane + p] + LUMA_B * rgb[2 * plane + p];
            return out;
        }
        return rgb;
    }

    /** One plane for a grey image, three (R, G, B) otherwise, each on the 0..255 scale. */
    private static float[] storedPlanes(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight(), plane = w * h;
        ColorModel model = image.getColorModel();
        boolean indexed = model instanceof IndexColorModel;
        if (!indexed && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY)
            return rasterPlanes(image.getRaster(), 1);
        if (!indexed && model.getColorSpace().isCS_sRGB() && model.getNumColorComponents() == 3)
            return rasterPlanes(image.getRaster(), 3);
        boolean grey = indexed && isGrey(image);
        float[] out = new float[(grey ? 1 : 3) * plane];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x], p = y * w + x;
                out[p] = (argb >> 16) & 0xFF;
                if (grey) continue;
                out[plane + p] = (argb >> 8) & 0xFF;
                out[2 * plane + p] = argb & 0xFF;
            }
        }
        return out;
    }

    /** The first {@code bands} bands of the raster (colour bands come before alpha), rescaled to 0..255. */
    private static float[] rasterPlanes(Raster raster, int bands) {
        int w = raster.getWidth(), h = raster.getHeight(), plane = w * h;
        float[] out = new float[bands * plane];
        int[] row = new int[w];
        for (int b = 0; b < bands; b++) {
            int bits = raster.getSampleModel().getSampleSize(b);
            float scale = bits == 8 ? 1f : 255f / ((1L << bits) - 1);
            for (int y = 0; y < h; y++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, b, row);
                for (int x = 0; x < w; x++) out[b * plane + y * w + x] = row[x] * scale;
            }
        }
        return out;
    }

    /**
     * torchvision's {@code Resize(size)} then {@code CenterCrop(size)}: the shorter side is scaled
     * to {@code size} and the longer to {@code floor(size · long / short)} with PIL's antialiased
     * bilinear filter (a triangle widened by the reduction factor), then the centred
     * size×size window is kept, its offset rounded half to even as Python's {@code round} does.
     * Only the kept window is computed. Values are rounded to the nearest byte once, at the end, so
     * they can differ from PIL's (which rounds between the two passes) by one level.
     *
     * @param planes   C×H×W values on the 0..255 scale
     * @param out      receives C×size×size bytes at {@code offset}
     */
    public static void resizeCenterCrop(float[] planes, int channels, int height, int width, int size, byte[] out, int offset) {
        if (size <= 0) throw new IllegalArgumentException("size must be positive, got " + size);
        if (planes.length != (long) channels * height * width)
            throw new IllegalArgumentException(planes.length + " values are not " + channels + "×" + height + "×" + width);
        int resizedH, resizedW;
        if (height <= width) { resizedH = size; resizedW = (int) ((double) size * width / height); }
        else { resizedW = size; resizedH = (int) ((double) size * height / width); }
        int top = (int) Math.rint((resizedH - size) / 2.0), left = (int) Math.rint((resizedW - size) / 2.0);
        Taps rows = Taps.of(height, resizedH, top, size), cols = Taps.of(width, resizedW, left, size);
        float[] across = new float[height * size];
        for (int c = 0; c < channels; c++) {
            int base = c * height * width;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < size; x++) across[y * size + x] = cols.apply(planes, base + y * width, 1, x);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++) {
                    float v = rows.apply(across, x, size, y);
                    out[offset + (c * size + y) * size + x] = (byte) Math.max(0, Math.min(255, Math.round(v)));
                }
        }
    }

    /** For each of {@code count} outputs from {@code first} on, the inputs it mixes and their weights. */
    private record Taps(int[] start, float[][] weights) {
        /** PIL's {@code precompute_coeffs} for the bilinear (triangle) filter, for outputs first … first+count−1. */
        static Taps of(int inSize, int outSize, int first, int count) {
            double scale = (double) inSize / outSize, widen = Math.max(scale, 1.0), support = widen;
            int[] start = new int[count];
            float[][] weights = new float[count][];
            for (int o = 0; o < count; o++) {
                double center = (first + o + 0.5) * scale;
                int lo = Math.max((int) (center - support + 0.5), 0), hi = Math.min((int) (center + support + 0.5), inSize);
                float[] w = new float[hi - lo];
                double total = 0;
                for (int i = lo; i < hi; i++) {
                    w[i - lo] = (float) Math.max(0, 1 - Math.abs((i - center + 0.5) / widen));
                    total += w[i - lo];
                }
                for (int i = 0; i < w.length; i++) w[i] /= total;
                start[o] = lo;
                weights[o] = w;
            }
            return new Taps(start, weights);
        }

        /** Output {@code o}: the weighted sum of {@code src[base + (start + k)·stride]}. */
        float apply(float[] src, int base, int stride, int o) {
            float[] w = weights[o];
            int from = base + start[o] * stride;
            float sum = 0;
            for (int k = 0; k < w.length; k++) sum += w[k] * src[from + k * stride];
            return sum;
        }
    }
}

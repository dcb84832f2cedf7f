package io.github.conv4j.infer;

import io.github.conv4j.data.ImageDecoding;
import io.github.conv4j.tensor.Shape;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns an image into a model's input values in [0, 1], channel-major (C×H×W).
 *
 * <p>A grey image (one grey band, optionally with alpha; 8 or 16 bit) is read as its stored
 * samples, {@code sample / (2^bits − 1)}: exactly the bytes an IDX dataset holds for the same
 * picture. {@link BufferedImage#getRGB} would convert grey through sRGB gamma (a stored 37 reads
 * as 106) and shift what the model sees. Colour images give their sRGB channels for a 3-channel
 * model, or their Rec. 601 luma for a 1-channel one. Alpha is ignored.
 */
public final class ImagePixels {
    private ImagePixels() {}

    /** Reads {@code file} (any format ImageIO reads: PNG, JPEG, GIF, BMP); errors name the file. */
    public static float[] read(Path file, Shape sample) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such image file");
        BufferedImage image = ImageDecoding.decode(file);
        try {
            return unitValues(image, sample);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The values of {@code image} for a model of per-sample input {@code sample} (C×H×W, C 1 or 3). */
    public static float[] unitValues(BufferedImage image, Shape sample) {
        if (sample.rank() != 3 || (sample.dim(0) != 1 && sample.dim(0) != 3))
            throw new IllegalArgumentException("this model takes " + sample + " input, not a grey (1×H×W) or colour (3×H×W) image");
        int channels = sample.dim(0), h = sample.dim(1), w = sample.dim(2);
        if (image.getHeight() != h || image.getWidth() != w)
            throw new IllegalArgumentException("expected a " + w + "×" + h + " image, got " + image.getWidth() + "×" + image.getHeight());
        float[] px = new float[channels * h * w];
        ColorModel cm = image.getColorModel();
        boolean grey = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel);
        if (grey) {
            Raster raster = image.getRaster();
            float max = (float) ((1L << cm.getComponentSize(0)) - 1);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) / max;
                    for (int c = 0; c < channels; c++) px[(c * h + y) * w + x] = v;
                }
            return px;
        }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
                if (channels == 1) {
                    px[y * w + x] = (0.299f * r + 0.587f * g + 0.114f * b) / 255f;
                } else {
                    px[y * w + x] = r / 255f;
                    px[(h + y) * w + x] = g / 255f;
                    px[(2 * h + y) * w + x] = b / 255f;
                }
            }
        return px;
    }
}

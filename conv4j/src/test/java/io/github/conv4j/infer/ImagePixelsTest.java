package io.github.conv4j.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.tensor.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grey images come back as their stored values (no sRGB gamma); errors name the file. */
class ImagePixelsTest {
    @TempDir Path tmp;
    static final Shape MNIST = Shape.of(1, 28, 28);

    @Test void aGreyPngReadsBackItsExactBytes() throws IOException {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        byte[] raw = new byte[784];
        for (int i = 0; i < raw.length; i++) raw[i] = (byte) (i * 37 % 256);
        img.getRaster().setDataElements(0, 0, 28, 28, raw);
        Path png = tmp.resolve("grey.png");
        ImageIO.write(img, "png", png.toFile());
        float[] v = ImagePixels.read(png, MNIST);
        for (int i = 0; i < raw.length; i++) assertEquals((raw[i] & 0xFF) / 255f, v[i], 0f, "pixel " + i);
        assertEquals(37 / 255f, v[1], 0f, "37 stays 37 (getRGB would give 106)");
    }

    @Test void sixteenBitGreyIsScaledByItsOwnRange() {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(3, 2, 0, 65535);
        img.getRaster().setSample(4, 2, 0, 13107);
        float[] v = ImagePixels.unitValues(img, MNIST);
        assertEquals(1f, v[2 * 28 + 3], 0f);
        assertEquals(0.2f, v[2 * 28 + 4], 1e-6f);
    }

    @Test void errorsNameTheFile() throws IOException {
        Path missing = tmp.resolve("missing.png"), junk = tmp.resolve("junk.png"), small = tmp.resolve("small.png");
        Files.writeString(junk, "not an image");
        ImageIO.write(new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY), "png", small.toFile());
        assertTrue(assertThrows(IOException.class, () -> ImagePixels.read(missing, MNIST)).getMessage().startsWith(missing.toString()));
        assertTrue(assertThrows(IOException.class, () -> ImagePixels.read(junk, MNIST)).getMessage().startsWith(junk.toString()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImagePixels.read(small, MNIST));
        assertTrue(e.getMessage().startsWith(small.toString()) && e.getMessage().contains("28×28"), e.getMessage());
    }
}

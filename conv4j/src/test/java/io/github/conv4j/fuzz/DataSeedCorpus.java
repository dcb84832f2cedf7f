package io.github.conv4j.fuzz;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Writes the seed corpus of {@link DataReaderFuzzTest}: valid files of each reader and a few
 * broken ones (run once by hand from the repository's root; the output is checked in).
 */
public final class DataSeedCorpus {
    private DataSeedCorpus() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of("conv4j/src/test/resources/io/github/conv4j/fuzz/DataReaderFuzzTestInputs");
        byte[] record = new byte[1 + 3 * 32 * 32];
        for (int i = 0; i < record.length; i++) {
            record[i] = (byte) (i * 7);
        }
        record[0] = 1;
        byte[] names = "airplane\nautomobile\n\n".getBytes(StandardCharsets.UTF_8);
        write(root.resolve("cifar/two-records"), cat(names, new byte[] {0}, record, record));
        write(root.resolve("cifar/truncated-record"), cat(names, new byte[] {0}, Arrays.copyOf(record, 100)));
        write(root.resolve("npyImages/uint8-nhw"), npy("|u1", "(2, 2, 3)", new byte[12]));
        write(root.resolve("npyImages/float32-nchw"), npy("<f4", "(2, 1, 2, 2)", floats(8)));
        write(root.resolve("npyImages/float32-nhwc-v2"), npyVersion2("<f4", "(2, 2, 2, 3)", floats(24)));
        write(root.resolve("npyImages/bad-dict"), npy("|u1", "(2, 2", new byte[4]));
        write(root.resolve("npyLabels/int64"), npy("<i8", "(2,)", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(0).putLong(3).array()));
        write(root.resolve("npyLabels/uint8-column"), npy("|u1", "(2, 1)", new byte[] {2, 0}));
        write(root.resolve("imageFile/rgb.png"), image(BufferedImage.TYPE_INT_RGB, "png"));
        write(root.resolve("imageFile/grey.png"), image(BufferedImage.TYPE_BYTE_GRAY, "png"));
        write(root.resolve("imageFile/rgb.bmp"), image(BufferedImage.TYPE_INT_RGB, "bmp"));
        write(root.resolve("imageFile/rgb.gif"), image(BufferedImage.TYPE_INT_RGB, "gif"));
        write(root.resolve("imageFile/rgb.jpg"), image(BufferedImage.TYPE_INT_RGB, "jpg"));
        byte[] png = image(BufferedImage.TYPE_INT_RGB, "png");
        write(root.resolve("imageFile/truncated.png"), Arrays.copyOf(png, png.length / 2));
    }

    /** An NPY 1.0 file: magic, version, header dictionary padded to 64 bytes, then the data. */
    static byte[] npy(String dtype, String shape, byte[] data) {
        return npyFile(1, dtype, shape, data);
    }

    private static byte[] npyVersion2(String dtype, String shape, byte[] data) {
        return npyFile(2, dtype, shape, data);
    }

    private static byte[] npyFile(int version, String dtype, String shape, byte[] data) {
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int prefix = version == 1 ? 10 : 12;
        int padded = (prefix + dict.length() + 1 + 63) / 64 * 64 - prefix;
        byte[] header = (dict + " ".repeat(padded - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(prefix + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) version).put((byte) 0);
        if (version == 1) {
            b.putShort((short) header.length);
        } else {
            b.putInt(header.length);
        }
        return b.put(header).put(data).array();
    }

    private static byte[] floats(int count) {
        ByteBuffer b = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            b.putFloat(i / (float) count);
        }
        return b.array();
    }

    private static byte[] image(int type, String format) throws Exception {
        BufferedImage image = new BufferedImage(5, 3, type);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                image.setRGB(x, y, (x * 50) << 16 | (y * 80) << 8 | 0x40);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IllegalStateException("no ImageIO writer for " + format);
        }
        return out.toByteArray();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static void write(Path file, byte[] bytes) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}

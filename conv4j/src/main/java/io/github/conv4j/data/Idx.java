package io.github.conv4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader of the IDX files of MNIST and Fashion-MNIST, raw or gzip (detected from the first bytes).
 * Bad files give an {@link IOException} that names the file and the problem: a wrong magic
 * number, a truncated body, trailing data, or a declared size beyond what the file can hold. The
 * header is not trusted for allocation: memory grows with the bytes actually read.
 */
public final class Idx {
    static final int IMAGES_MAGIC = 0x00000803, LABELS_MAGIC = 0x00000801;

    private Idx() {}

    /** Unsigned 8-bit images, count × rows × cols, row-major. */
    public record Images(int count, int rows, int cols, byte[] pixels) {}

    /** Reads an IDX image file (raw or gzip): magic 0x00000803, counts checked against the bytes. */
    public static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = header(file, in, "magic number");
            if (magic != IMAGES_MAGIC)
                throw new IOException(file + ": not an IDX image file (magic 0x" + Integer.toHexString(magic) + ", expected 0x803)");
            int count = positive(file, "image count", header(file, in, "image count"));
            int rows = positive(file, "rows", header(file, in, "rows"));
            int cols = positive(file, "columns", header(file, in, "columns"));
            // count·rows·cols can exceed even a long (found by fuzzing): compare before multiplying out.
            long plane = (long) rows * cols;
            long bytes = plane > Integer.MAX_VALUE ? Long.MAX_VALUE : count * plane;
            if (bytes > Integer.MAX_VALUE - 16)
                throw new IOException(file + ": declares " + count + " images of " + rows + "×" + cols + " (" + bytes + " bytes), more than conv4j reads");
            return new Images(count, rows, cols, body(file, in, (int) bytes));
        }
    }

    /** Labels as unsigned bytes widened to int. */
    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = header(file, in, "magic number");
            if (magic != LABELS_MAGIC)
                throw new IOException(file + ": not an IDX label file (magic 0x" + Integer.toHexString(magic) + ", expected 0x801)");
            int count = positive(file, "label count", header(file, in, "label count"));
            byte[] raw = body(file, in, count);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) labels[i] = raw[i] & 0xFF;
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
        InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        try {
            return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16)) : raw);
        } catch (IOException e) {
            raw.close();
            throw new IOException(file + ": damaged gzip header: " + e.getMessage(), e);
        }
    }

    private static int header(Path file, DataInputStream in, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + ": truncated IDX header (no " + what + ")", e);
        }
    }

    private static int positive(Path file, String what, int v) throws IOException {
        if (v <= 0) throw new IOException(file + ": " + what + " " + v + " must be positive");
        return v;
    }

    /** Exactly {@code n} bytes, then the end of the file. readNBytes grows with what arrives. */
    private static byte[] body(Path file, InputStream in, int n) throws IOException {
        byte[] data;
        try {
            data = in.readNBytes(n);
        } catch (IOException e) {
            throw new IOException(file + ": damaged data: " + e.getMessage(), e);
        }
        if (data.length < n)
            throw new IOException(file + ": truncated: header declares " + n + " bytes of data, file holds " + data.length);
        if (in.read() >= 0) throw new IOException(file + ": more data than the header declares");
        return data;
    }
}

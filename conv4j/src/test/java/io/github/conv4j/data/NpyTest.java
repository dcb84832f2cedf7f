package io.github.conv4j.data;

import static io.github.conv4j.data.ReaderFixtures.PLANE;
import static io.github.conv4j.data.ReaderFixtures.channelsLast;
import static io.github.conv4j.data.ReaderFixtures.colourised;
import static io.github.conv4j.data.ReaderFixtures.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyTest {
    static final int N = 12;
    static byte[] grey, colour;
    static int[] labels;

    @TempDir Path dir;

    @BeforeAll static void sample() throws IOException {
        grey = ReaderFixtures.greyImages(N);
        colour = colourised(grey, PLANE);
        labels = ReaderFixtures.labels(N);
    }

    /** An .npy file as NumPy writes it: the header dict padded with spaces to a multiple of 64 bytes, ending in a newline. */
    static byte[] npy(int version, String dict, byte[] data) {
        byte[] text = dict.getBytes(version == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int prefix = version == 1 ? 10 : 12, padded = (prefix + text.length + 1 + 63) / 64 * 64 - prefix;
        ByteBuffer b = ByteBuffer.allocate(prefix + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) b.putShort((short) padded); else b.putInt(padded);
        b.put(text);
        for (int i = text.length; i < padded - 1; i++) b.put((byte) ' ');
        b.put((byte) '\n').put(data);
        return b.array();
    }

    static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    private Path write(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private Path images(String descr, String shape, byte[] data) throws IOException {
        return write("images.npy", npy(1, dict(descr, shape), data));
    }

    /** The Fashion labels as little-endian int64, NumPy's default integer. */
    private Path labelFile(int[] values) throws IOException {
        return write("labels.npy", npy(1, dict("<i8", "(" + values.length + ",)"), integers(values, 8, ByteOrder.LITTLE_ENDIAN)));
    }

    static byte[] integers(int[] values, int bytes, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(values.length * bytes).order(order);
        for (long v : Arrays.stream(values).asLongStream().toArray()) {
            switch (bytes) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    static byte[] floats(byte[] pixels, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(pixels.length * 4).order(order);
        for (byte p : pixels) b.putFloat((p & 0xFF) / 255f);
        return b.array();
    }

    @ParameterizedTest @ValueSource(ints = {1, 2, 3})
    void greyImagesRoundTripInEveryVersion(int version) throws IOException {
        Path img = write("train_images.npy", npy(version, dict("|u1", "(" + N + ", 28, 28)"), grey));
        write("train_labels.npy", npy(version, dict("<i8", "(" + N + ",)"), integers(labels, 8, ByteOrder.LITTLE_ENDIAN)));
        DecodedImages d = Npy.read(dir, Split.TRAIN);
        assertEquals(1, d.channels());
        assertEquals(28, d.height());
        assertArrayEquals(grey, d.pixels());
        assertArrayEquals(labels, d.labels());
        assertEquals(Arrays.stream(labels).max().getAsInt() + 1, d.classes(), "classes = max label + 1");
        assertEquals(version, Npy.readHeader(img).version());
    }

    @Test void channelsLastAndChannelsFirstGiveTheSameImages() throws IOException {
        Path l = labelFile(labels);
        DecodedImages first = Npy.read(images("|u1", "(" + N + ", 3, 28, 28)", colour), l, null);
        DecodedImages last = Npy.read(images("<u1", "(" + N + ", 28, 28, 3)", channelsLast(colour, 3, PLANE)), l, null);
        assertEquals(3, last.channels());
        assertArrayEquals(colour, first.pixels());
        assertArrayEquals(colour, last.pixels());
    }

    @Test void singleChannelLastIsGrey() throws IOException {
        DecodedImages d = Npy.read(images("|u1", "(" + N + ", 28, 28, 1)", grey), labelFile(labels), null);
        assertEquals(1, d.channels());
        assertArrayEquals(grey, d.pixels());
    }

    @Test void ambiguousShapeIsChannelsFirst() throws IOException {
        // N×3×H×3 could be either; the second dimension wins, as documented.
        byte[] data = new byte[2 * 3 * 4 * 3];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        DecodedImages d = Npy.read(images("|u1", "(2, 3, 4, 3)", data), labelFile(new int[] {0, 1}), null);
        assertEquals(3, d.channels());
        assertEquals(4, d.height());
        assertEquals(3, d.width());
        assertArrayEquals(data, d.pixels());
    }

    @ParameterizedTest @ValueSource(strings = {"<f4", ">f4"})
    void float32ImagesInBothByteOrdersAndLayouts(String descr) throws IOException {
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        Path l = labelFile(labels);
        DecodedImages first = Npy.read(images(descr, "(" + N + ", 3, 28, 28)", floats(colour, order)), l, null);
        DecodedImages last = Npy.read(images(descr, "(" + N + ", 28, 28, 3)", floats(channelsLast(colour, 3, PLANE), order)), l, null);
        assertNull(first.pixels());
        assertEquals(colour.length, first.values().length);
        for (int i = 0; i < colour.length; i++) assertEquals((colour[i] & 0xFF) / 255f, first.values()[i]);
        assertArrayEquals(first.values(), last.values());
    }

    @ParameterizedTest
    @ValueSource(strings = {"|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", ">i2", ">i4", ">i8", ">u2", ">u4", ">u8"})
    void labelsOfEveryIntegerType(String descr) throws IOException {
        int bytes = descr.charAt(2) - '0';
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        Path l = write("labels.npy", npy(1, dict(descr, "(" + N + ", 1)"), integers(labels, bytes, order)));
        assertArrayEquals(labels, Npy.read(images("|u1", "(" + N + ", 28, 28)", grey), l, null).labels());
    }

    @Test void classNamesWhenGiven() throws IOException {
        List<String> names = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k");
        assertEquals(names, Npy.read(images("|u1", "(" + N + ", 28, 28)", grey), labelFile(labels), names).classNames());
    }

    @Test void python2HeadersWithLongSuffixes() throws IOException {
        Path img = write("images.npy", npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (" + N + "L, 28L, 28L)}", grey));
        assertEquals(List.of((long) N, 28L, 28L), Npy.readHeader(img).shape());
    }

    // Hostile files: each refused with an IOException naming the file and the fault.

    @Test void refusesABadMagic() throws IOException {
        byte[] bytes = npy(1, dict("|u1", "(1, 2, 2)"), new byte[4]);
        bytes[1] = 'X';
        Path p = write("a.npy", bytes);
        refused(p, "not an NPY file", () -> Npy.readHeader(p));
    }

    @Test void refusesAnUnknownVersion() throws IOException {
        byte[] bytes = npy(2, dict("|u1", "(1, 2, 2)"), new byte[4]);
        bytes[6] = 4;
        Path p = write("a.npy", bytes);
        refused(p, "version 4.0 is not 1.0, 2.0 or 3.0", () -> Npy.readHeader(p));
    }

    @Test void refusesAHeaderLongerThanTheFileWithoutAllocatingIt() throws IOException {
        byte[] bytes = Arrays.copyOf(npy(2, dict("|u1", "(1, 2, 2)"), new byte[4]), 100);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0x7FFF_FFF0);
        Path p = write("a.npy", bytes);
        long before = ReaderFixtures.allocatedBytes();
        refused(p, "header declares 2147483632 bytes, file holds 88", () -> Npy.readHeader(p));
        assertTrue(ReaderFixtures.allocatedBytes() - before < 1 << 20, "allocated no more than the file justifies");
    }

    @Test void refusesAMalformedHeader() throws IOException {
        Path p = write("a.npy", npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 2}", new byte[4]));
        refused(p, "bad NPY header (expected ')'", () -> Npy.readHeader(p));
    }

    @Test void refusesMissingOrExtraKeys() throws IOException {
        Path p = write("a.npy", npy(1, "{'descr': '|u1', 'shape': (1, 2, 2), }", new byte[4]));
        refused(p, "expected descr, fortran_order and shape", () -> Npy.readHeader(p));
        Path q = write("b.npy", npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), 'x': 1}", new byte[4]));
        refused(q, "expected descr, fortran_order and shape", () -> Npy.readHeader(q));
    }

    @Test void refusesFortranOrder() throws IOException {
        Path p = write("a.npy", npy(1, "{'descr': '|u1', 'fortran_order': True, 'shape': (1, 2, 2), }", new byte[4]));
        refused(p, "fortran_order is True", () -> Npy.readHeader(p));
    }

    @Test void refusesUnknownDtypes() throws IOException {
        Path c = write("c.npy", npy(1, dict("<c8", "(1,)"), new byte[8]));
        refused(c, "unknown dtype '<c8'", () -> Npy.readHeader(c));
        Path s = write("s.npy", npy(1, "{'descr': [('x', '<u1')], 'fortran_order': False, 'shape': (1,), }", new byte[1]));
        refused(s, "unknown dtype", () -> Npy.readHeader(s));
        Path f8 = images("<f8", "(" + N + ", 28, 28)", new byte[N * PLANE * 8]);
        refused(f8, "unknown image dtype <f8", () -> Npy.read(f8, labelFile(labels), null));
        Path l = write("labels.npy", npy(1, dict("<f4", "(" + N + ",)"), new byte[N * 4]));
        refused(l, "unknown label dtype <f4", () -> Npy.read(images("|u1", "(" + N + ", 28, 28)", grey), l, null));
    }

    @Test void refusesDataShorterThanTheShape() throws IOException {
        Path p = images("|u1", "(" + N + ", 28, 28)", Arrays.copyOf(grey, grey.length - 1));
        refused(p, "truncated: shape [12, 28, 28] of |u1 needs 9408 bytes of data, file holds 9407", () -> Npy.readHeader(p));
    }

    @Test void refusesAHugeShapeInATinyFileWithoutAllocating() throws IOException {
        for (String shape : new String[] {"(1000000000, 28, 28)", "(1000000, 28, 28)", "(9223372036854775807, 9223372036854775807)"}) {
            byte[] bytes = npy(1, dict("|u1", shape), new byte[0]);
            Path p = write("huge.npy", Arrays.copyOf(bytes, Math.max(bytes.length, 100)));
            long before = ReaderFixtures.allocatedBytes();
            refused(p, "truncated", () -> Npy.read(p, labelFile(labels), null));
            assertTrue(ReaderFixtures.allocatedBytes() - before < 1 << 20, "allocated no more than the file justifies for " + shape);
        }
    }

    @Test void refusesDataBeyondTheShape() throws IOException {
        Path p = images("|u1", "(" + N + ", 28, 28)", Arrays.copyOf(grey, grey.length + 3));
        refused(p, "3 bytes beyond the data", () -> Npy.readHeader(p));
    }

    @Test void refusesShapesThatAreNotImages() throws IOException {
        Path five = images("|u1", "(2, 5, 5, 5)", new byte[250]);
        refused(five, "images of shape [2, 5, 5, 5], expected", () -> Npy.read(five, labelFile(new int[2]), null));
        Path flat = images("|u1", "(2, 784)", new byte[2 * 784]);
        refused(flat, "images of shape [2, 784]", () -> Npy.read(flat, labelFile(new int[2]), null));
        Path empty = images("|u1", "(0, 28, 28)", new byte[0]);
        refused(empty, "hold no pixels", () -> Npy.read(empty, labelFile(new int[0]), null));
        Path img = images("|u1", "(" + N + ", 28, 28)", grey);
        Path wide = write("labels.npy", npy(1, dict("|u1", "(" + N + ", 2)"), new byte[2 * N]));
        refused(wide, "labels of shape [12, 2], expected (N,) or (N, 1)", () -> Npy.read(img, wide, null));
    }

    @Test void refusesNegativeAndHugeLabels() throws IOException {
        Path img = images("|u1", "(2, 28, 28)", Arrays.copyOf(grey, 2 * PLANE));
        Path negative = write("labels.npy", npy(1, dict("|i1", "(2,)"), new byte[] {0, -1}));
        refused(negative, "label -1 of item 1 is negative", () -> Npy.read(img, negative, null));
        ByteBuffer big = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 31).putLong(0);
        Path wide = write("labels.npy", npy(1, dict("<i8", "(2,)"), big.array()));
        refused(wide, "label 2147483648 of item 0 is not below 2^31", () -> Npy.read(img, wide, null));
        ByteBuffer top = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(0).putLong(-1L);
        Path unsigned = write("labels.npy", npy(1, dict(">u8", "(2,)"), top.array()));
        refused(unsigned, "label 18446744073709551615 of item 1 is not below 2^31", () -> Npy.read(img, unsigned, null));
    }

    @Test void refusesALabelOutsideTheClassNames() throws IOException {
        Path l = labelFile(labels);
        int at = 0;
        while (labels[at] < 3) at++;
        int first = at;
        refused(l, "label " + labels[first] + " of item " + first + " is not below the 3 class names",
                () -> Npy.read(images("|u1", "(" + N + ", 28, 28)", grey), l, List.of("a", "b", "c")));
    }

    @Test void refusesCountsThatDisagree() throws IOException {
        Path img = images("|u1", "(" + N + ", 28, 28)", grey), l = labelFile(Arrays.copyOf(labels, N - 1));
        IOException e = refused(img, "holds 12 images but", () -> Npy.read(img, l, null));
        assertTrue(e.getMessage().contains(l + " holds 11 labels"), e.getMessage());
    }

    @Test void refusesAMissingFile() {
        refused(dir.resolve("test_images.npy"), "no such file", () -> Npy.read(dir, Split.TEST));
    }
}

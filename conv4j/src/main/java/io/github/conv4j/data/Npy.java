package io.github.conv4j.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reader of NumPy's {@code .npy} arrays (format versions 1.0, 2.0 and 3.0) holding labelled
 * images: an image array and a label array per split.
 *
 * <p>Images are uint8 ({@code |u1}) or float32 ({@code <f4}, {@code >f4}), shaped N×H×W (grey),
 * N×C×H×W (PyTorch's order) or N×H×W×C (NumPy's and Keras's order) with C = 1 or 3; they are
 * returned N×C×H×W. A rank-4 shape is read as N×C×H×W when its second dimension is 1 or 3, else as
 * N×H×W×C when its last is 1 or 3, so the ambiguous N×3×H×3 counts as N×C×H×W. Labels are any
 * integer type of either byte order, shaped N or N×1, each in [0, 2^31).
 *
 * <p>The header's sizes are checked against the file's length before anything is allocated, so a
 * short file that declares a huge array is refused at no cost; the data must fill the rest of the
 * file exactly. Fortran-ordered arrays, object and structured dtypes are refused.
 *
 * <p>Float32 arrays of any shape (a model's inputs and outputs) are read a slice at a time with
 * {@link #readFloats} and written with {@link #float32Header} and {@link #writeFloats}.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Set<String> HEADER_KEYS = Set.of("descr", "fortran_order", "shape");
    /** Room kept below Integer.MAX_VALUE, which some JVMs refuse as an array length. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;
    /** NumPy itself refuses headers over 10,000 bytes by default; real ones are about 128. */
    private static final int MAX_HEADER = 1 << 16;

    private Npy() {}

    /**
     * The parsed header of an {@code .npy} file.
     *
     * @param version      the format's major version, 1, 2 or 3
     * @param dtype        the element type, e.g. {@code |u1}, {@code <f4}, {@code >i8}
     * @param fortranOrder whether the array is stored column-major (conv4j refuses such data)
     * @param shape        the dimensions, outermost first
     * @param dataOffset   where the data start: the length of the magic, version and header
     */
    public record Header(int version, String dtype, boolean fortranOrder, List<Long> shape, long dataOffset) {
        /** Copies the shape into an unmodifiable list. */
        public Header { shape = List.copyOf(shape); }

        /** The product of the dimensions, or -1 when it exceeds a long. */
        public long elements() {
            long n = 1;
            for (long d : shape) {
                if (d != 0 && n > Long.MAX_VALUE / d) return -1;
                n *= d;
            }
            return n;
        }
    }

    /**
     * Reads {@code train_images.npy} and {@code train_labels.npy} (or the {@code test_} pair) from
     * {@code dir}, with classes numbered 0 to the largest label.
     */
    public static DecodedImages read(Path dir, Split split) throws IOException {
        String prefix = split == Split.TEST ? "test_" : "train_";
        return read(dir.resolve(prefix + "images.npy"), dir.resolve(prefix + "labels.npy"), null);
    }

    /**
     * Reads an image array and its label array.
     *
     * @param classNames the classes' names, indexed by label; null to number the classes 0 to the
     *                   largest label
     * @throws IOException naming the file if its header is bad, its dtype or shape is not one of the
     *                     supported ones, its data are shorter or longer than the shape, the counts
     *                     of images and labels differ, or a label is negative, ≥ 2^31 or not below
     *                     the number of class names
     */
    public static DecodedImages read(Path images, Path labels, List<String> classNames) throws IOException {
        Header imageHeader = readHeader(images), labelHeader = readHeader(labels);
        ImageLayout layout = ImageLayout.of(images, imageHeader);
        long labelCount = labelCount(labels, labelHeader);
        if (labelCount != layout.count)
            throw new IOException(images + " holds " + layout.count + " images but " + labels + " holds " + labelCount + " labels");
        int[] labelValues = readLabels(labels, labelHeader);
        int max = Arrays.stream(labelValues).max().orElseThrow();
        if (classNames != null && max >= classNames.size()) {
            int at = 0;
            while (labelValues[at] < classNames.size()) at++;
            throw new IOException(labels + ": label " + labelValues[at] + " of item " + at + " is not below the " + classNames.size() + " class names");
        }
        List<String> names = classNames != null ? classNames : DecodedImages.numberedClasses(max + 1);
        return layout.read(images, imageHeader, labelValues, names);
    }

    /**
     * Reads and checks the header of {@code file}: the magic, the version, the header dictionary
     * and that the file is exactly as long as the header and the declared data.
     */
    public static Header readHeader(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = ch.size();
            ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            while (prefix.hasRemaining() && ch.read(prefix) >= 0) {}
            prefix.flip();
            if (prefix.remaining() < 8 || !Arrays.equals(Arrays.copyOf(prefix.array(), 6), MAGIC))
                throw new IOException(file + ": not an NPY file (no \\x93NUMPY magic)");
            int major = prefix.get(6), minor = prefix.get(7);
            if (major < 1 || major > 3 || minor != 0)
                throw new IOException(file + ": NPY format version " + major + "." + minor + " is not 1.0, 2.0 or 3.0");
            // Version 1.0 has a 2-byte header length; 2.0 widened it to 4 bytes, 3.0 made the header UTF-8.
            int prefixBytes = major == 1 ? 10 : 12;
            if (prefix.limit() < prefixBytes) throw new IOException(file + ": truncated NPY header (no header length)");
            long headerBytes = major == 1 ? prefix.getShort(8) & 0xFFFF : prefix.getInt(8) & 0xFFFFFFFFL;
            if (prefixBytes + headerBytes > length)
                throw new IOException(file + ": header declares " + headerBytes + " bytes, file holds " + (length - prefixBytes) + " after the prefix");
            if (headerBytes > MAX_HEADER)
                throw new IOException(file + ": header declares " + headerBytes + " bytes, more than an NPY header needs (" + MAX_HEADER + ")");
            ByteBuffer text = ByteBuffer.allocate((int) headerBytes);
            ch.position(prefixBytes);
            while (text.hasRemaining() && ch.read(text) >= 0) {}
            String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Header header = parseHeader(file, dict, major, prefixBytes + headerBytes);
            checkDataLength(file, header, length);
            return header;
        }
    }

    private static Header parseHeader(Path file, String dict, int version, long dataOffset) throws IOException {
        Object parsed = new LiteralParser(file, dict).parseHeader();
        if (!(parsed instanceof Map<?, ?> map)) throw new IOException(file + ": the NPY header is not a dictionary");
        if (!map.keySet().equals(HEADER_KEYS))
            throw new IOException(file + ": the NPY header has keys " + map.keySet() + ", expected descr, fortran_order and shape");
        if (!(map.get("descr") instanceof String dtype))
            throw new IOException(file + ": unknown dtype " + map.get("descr") + " (structured arrays are not images or labels)");
        if (!(map.get("fortran_order") instanceof Boolean fortran)) throw new IOException(file + ": fortran_order is not True or False");
        if (fortran)
            throw new IOException(file + ": fortran_order is True (column-major data); save a C-ordered array, e.g. numpy.ascontiguousarray");
        if (!(map.get("shape") instanceof List<?> dims)) throw new IOException(file + ": shape is not a tuple");
        List<Long> shape = new ArrayList<>();
        for (Object d : dims) {
            if (!(d instanceof Long n) || n < 0) throw new IOException(file + ": shape " + dims + " is not a tuple of non-negative integers");
            shape.add(n);
        }
        return new Header(version, dtype, false, shape, dataOffset);
    }

    private static void checkDataLength(Path file, Header header, long length) throws IOException {
        ElementType type = ElementType.parse(file, header.dtype());
        long elements = header.elements();
        long needed = elements < 0 || elements > Long.MAX_VALUE / type.bytes ? Long.MAX_VALUE : elements * type.bytes;
        long held = length - header.dataOffset();
        if (needed > held)
            throw new IOException(file + ": truncated: shape " + header.shape() + " of " + header.dtype() + " needs "
                    + (needed == Long.MAX_VALUE ? "more than 2^63" : Long.toString(needed)) + " bytes of data, file holds " + held);
        if (needed < held) throw new IOException(file + ": " + (held - needed) + " bytes beyond the data that shape " + header.shape() + " declares");
        if (elements > MAX_ARRAY) throw new IOException(file + ": " + elements + " elements, more than one Java array holds");
    }

    /**
     * Fails naming {@code file} and its dtype unless the array is float32 ({@code <f4} or {@code >f4}).
     *
     * @throws IOException when the header's dtype is another one
     */
    public static void requireFloat32(Path file, Header header) throws IOException {
        if (!header.dtype().equals("<f4") && !header.dtype().equals(">f4"))
            throw new IOException(file + ": dtype " + header.dtype() + ", expected float32 (<f4)");
    }

    /**
     * Reads {@code count} elements of a float32 array from element {@code first} (row-major) into
     * {@code dst} at {@code offset}: a slice, so that a large array is read a batch at a time.
     *
     * @param header the file's header, from {@link #readHeader} (which checked the file's length)
     * @throws IOException naming the file if the array is not float32, the range lies outside the
     *                     declared elements, or the file shrank since its header was read
     */
    public static void readFloats(Path file, Header header, long first, float[] dst, int offset, int count) throws IOException {
        requireFloat32(file, header);
        if (first < 0 || count < 0 || first > header.elements() - count)
            throw new IOException(file + ": elements " + first + " to " + (first + count) + " are outside its " + header.elements());
        ByteBuffer data = ByteBuffer.allocate(count * Float.BYTES)
                .order(header.dtype().charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(header.dataOffset() + first * Float.BYTES);
            while (data.hasRemaining()) if (ch.read(data) < 0) throw new IOException(file + ": truncated (the file shrank while being read)");
        }
        data.flip().asFloatBuffer().get(dst, offset, count);
    }

    /**
     * The header of a little-endian float32 C-ordered array of {@code shape}, format 1.0: magic,
     * version, length and the dictionary padded with spaces and a newline to a multiple of 64 bytes,
     * as NumPy writes it. The data ({@link #writeFloats}) follow it.
     *
     * @throws IllegalArgumentException for a negative dimension
     */
    public static byte[] float32Header(long... shape) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            dims.append(d).append(shape.length == 1 ? "," : ", ");
        }
        String tuple = shape.length > 1 ? dims.substring(0, dims.length() - 2) : dims.toString();
        StringBuilder dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + tuple + "), }");
        while ((10 + dict.length() + 1) % 64 != 0) dict.append(' ');
        dict.append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return out.array();
    }

    /** Writes {@code count} values from {@code offset} as little-endian float32, the data of a {@link #float32Header} array. */
    public static void writeFloats(WritableByteChannel out, float[] values, int offset, int count) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values, offset, count);
        while (data.hasRemaining()) out.write(data);
    }

    /**
     * Writes {@code values} as a float32 array of {@code shape} to {@code file} (replaced if it
     * exists; not atomically).
     *
     * @throws IllegalArgumentException when the shape's product is not the number of values
     */
    public static void writeFloats(Path file, float[] values, long... shape) throws IOException {
        long n = 1;
        for (long d : shape) n *= d;
        if (n != values.length)
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, got " + values.length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.wrap(float32Header(shape));
            while (header.hasRemaining()) ch.write(header);
            writeFloats(ch, values, 0, values.length);
        }
    }

    private static long labelCount(Path file, Header header) throws IOException {
        List<Long> shape = header.shape();
        if (!(shape.size() == 1 || shape.size() == 2 && shape.get(1) == 1))
            throw new IOException(file + ": labels of shape " + shape + ", expected (N,) or (N, 1)");
        if (!ElementType.parse(file, header.dtype()).integer())
            throw new IOException(file + ": unknown label dtype " + header.dtype() + " (labels are integers: |u1, <i8, …)");
        return shape.get(0);
    }

    private static int[] readLabels(Path file, Header header) throws IOException {
        ElementType type = ElementType.parse(file, header.dtype());
        int count = (int) (long) header.shape().get(0);
        if ((long) count * type.bytes > MAX_ARRAY) throw new IOException(file + ": " + count + " labels of " + type.bytes + " bytes, more than conv4j reads");
        ByteBuffer data = readData(file, header, (long) count * type.bytes);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            long v = type.integerAt(data, i);
            // An unsigned 64-bit label of 2^63 or more reads as negative; name it as the unsigned value.
            if (v < 0)
                throw new IOException(file + ": label " + (type.kind == 'u' ? Long.toUnsignedString(v) : Long.toString(v)) + " of item " + i
                        + (type.kind == 'u' ? " is not below 2^31" : " is negative"));
            if (v > Integer.MAX_VALUE) throw new IOException(file + ": label " + v + " of item " + i + " is not below 2^31");
            labels[i] = (int) v;
        }
        return labels;
    }

    /** The {@code bytes} of data after the header, in the array's byte order. */
    private static ByteBuffer readData(Path file, Header header, long bytes) throws IOException {
        ElementType type = ElementType.parse(file, header.dtype());
        ByteBuffer data = ByteBuffer.allocate((int) bytes).order(type.order);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(header.dataOffset());
            while (data.hasRemaining()) if (ch.read(data) < 0) throw new IOException(file + ": truncated (the file shrank while being read)");
        }
        return data.flip();
    }

    /** The image shape's reading: counts, dimensions, and whether channels are last (NHWC). */
    private record ImageLayout(long count, int channels, int height, int width, boolean channelsLast) {
        static ImageLayout of(Path file, Header header) throws IOException {
            ElementType type = ElementType.parse(file, header.dtype());
            if (!type.isImageType())
                throw new IOException(file + ": unknown image dtype " + header.dtype() + " (conv4j reads uint8 |u1 or float32 <f4 images)");
            List<Long> s = header.shape();
            ImageLayout layout;
            if (s.size() == 3) layout = new ImageLayout(s.get(0), 1, toInt(s.get(1)), toInt(s.get(2)), false);
            else if (s.size() == 4 && (s.get(1) == 1 || s.get(1) == 3))
                layout = new ImageLayout(s.get(0), toInt(s.get(1)), toInt(s.get(2)), toInt(s.get(3)), false);
            else if (s.size() == 4 && (s.get(3) == 1 || s.get(3) == 3))
                layout = new ImageLayout(s.get(0), toInt(s.get(3)), toInt(s.get(1)), toInt(s.get(2)), true);
            else
                throw new IOException(file + ": images of shape " + s + ", expected N×H×W, N×C×H×W or N×H×W×C with C = 1 or 3");
            if (layout.count == 0 || layout.height == 0 || layout.width == 0)
                throw new IOException(file + ": images of shape " + s + " hold no pixels");
            return layout;
        }

        /** Within an int: the whole array's size was already checked against one Java array. */
        private static int toInt(long dim) { return (int) dim; }

        /** Reads the images one at a time, so only one image is held twice while reordering. */
        DecodedImages read(Path file, Header header, int[] labels, List<String> classNames) throws IOException {
            ElementType type = ElementType.parse(file, header.dtype());
            int plane = height * width, perImage = channels * plane, n = (int) count;
            if ((long) perImage * type.bytes > MAX_ARRAY) throw new IOException(file + ": one image of " + perImage + " floats, more than conv4j reads");
            byte[] pixels = type.kind == 'u' ? new byte[n * perImage] : null;
            float[] values = pixels == null ? new float[n * perImage] : null;
            ByteBuffer image = ByteBuffer.allocate(perImage * type.bytes).order(type.order);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ch.position(header.dataOffset());
                for (int i = 0; i < n; i++) {
                    image.clear();
                    while (image.hasRemaining()) if (ch.read(image) < 0) throw new IOException(file + ": truncated at image " + i);
                    image.flip();
                    int base = i * perImage;
                    if (!channelsLast) {
                        if (pixels != null) image.get(0, pixels, base, perImage);
                        else image.asFloatBuffer().get(values, base, perImage);
                        continue;
                    }
                    for (int src = 0; src < perImage; src++) {
                        // NHWC element (p, c) at src = p·C + c goes to plane c, position p.
                        int dst = base + (src % channels) * plane + src / channels;
                        if (pixels != null) pixels[dst] = image.get(src);
                        else values[dst] = image.getFloat(src * 4);
                    }
                }
            }
            return new DecodedImages(channels, height, width, pixels, values, labels, classNames);
        }
    }

    /** A simple NumPy dtype: kind ('u', 'i' or 'f'), size in bytes and byte order. */
    private record ElementType(char kind, int bytes, ByteOrder order) {
        static ElementType parse(Path file, String dtype) throws IOException {
            if (dtype.length() >= 3 && "<>|".indexOf(dtype.charAt(0)) >= 0 && "uif".indexOf(dtype.charAt(1)) >= 0) {
                String size = dtype.substring(2);
                int bytes = switch (size) { case "1" -> 1; case "2" -> 2; case "4" -> 4; case "8" -> 8; default -> 0; };
                boolean floatOk = dtype.charAt(1) != 'f' || bytes >= 2;
                // '|' (not applicable) is only meaningful for single bytes.
                boolean orderOk = dtype.charAt(0) != '|' || bytes == 1;
                if (bytes > 0 && floatOk && orderOk)
                    return new ElementType(dtype.charAt(1), bytes, dtype.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            }
            throw new IOException(file + ": unknown dtype '" + dtype + "' (conv4j reads |u1 and <f4 images and integer labels)");
        }

        boolean integer() { return kind != 'f'; }

        boolean isImageType() { return kind == 'u' && bytes == 1 || kind == 'f' && bytes == 4; }

        /** Element {@code i}, sign- or zero-extended; an unsigned 64-bit value keeps its bits. */
        long integerAt(ByteBuffer b, int i) {
            return switch (bytes) {
                case 1 -> kind == 'u' ? b.get(i) & 0xFFL : b.get(i);
                case 2 -> kind == 'u' ? b.getShort(i * 2) & 0xFFFFL : b.getShort(i * 2);
                case 4 -> kind == 'u' ? b.getInt(i * 4) & 0xFFFFFFFFL : b.getInt(i * 4);
                default -> b.getLong(i * 8);
            };
        }
    }

    /**
     * The subset of Python literals an NPY header uses: a dict of strings, True/False and tuples of
     * integers (Python 2 wrote them with an {@code L} suffix), with optional trailing commas.
     */
    private static final class LiteralParser {
        private final Path file;
        private final String text;
        private int at;

        LiteralParser(Path file, String text) { this.file = file; this.text = text; }

        Object parseHeader() throws IOException {
            Object value = value();
            skipSpace();
            if (at != text.length()) throw error("unexpected text after the dictionary");
            return value;
        }

        private Object value() throws IOException {
            skipSpace();
            if (at >= text.length()) throw error("the header ends early");
            char c = text.charAt(at);
            if (c == '{') return dict();
            if (c == '(') return sequence('(', ')');
            if (c == '[') return sequence('[', ']');
            if (c == '\'' || c == '"') return string();
            if (text.startsWith("True", at)) { at += 4; return Boolean.TRUE; }
            if (text.startsWith("False", at)) { at += 5; return Boolean.FALSE; }
            if (Character.isDigit(c) || c == '-') return integer();
            throw error("unexpected '" + c + "'");
        }

        private Map<String, Object> dict() throws IOException {
            Map<String, Object> map = new LinkedHashMap<>();
            at++;
            while (true) {
                skipSpace();
                if (peek('}')) return map;
                if (!(value() instanceof String key)) throw error("a key that is not a string");
                skipSpace();
                expect(':');
                if (map.put(key, value()) != null) throw error("key '" + key + "' twice");
                skipSpace();
                if (!peek(',')) { skipSpace(); expect('}'); return map; }
            }
        }

        private List<Object> sequence(char open, char close) throws IOException {
            List<Object> items = new ArrayList<>();
            at++;
            while (true) {
                skipSpace();
                if (peek(close)) return items;
                items.add(value());
                skipSpace();
                if (!peek(',')) { skipSpace(); expect(close); return items; }
            }
        }

        private String string() throws IOException {
            char quote = text.charAt(at++);
            int end = text.indexOf(quote, at);
            if (end < 0) throw error("an unterminated string");
            String s = text.substring(at, end);
            at = end + 1;
            return s;
        }

        private Long integer() throws IOException {
            int start = at;
            if (text.charAt(at) == '-') at++;
            while (at < text.length() && Character.isDigit(text.charAt(at))) at++;
            String digits = text.substring(start, at);
            if (at < text.length() && text.charAt(at) == 'L') at++;
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw error("'" + digits + "' is not a 64-bit integer");
            }
        }

        private void skipSpace() { while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++; }

        private boolean peek(char c) {
            if (at < text.length() && text.charAt(at) == c) { at++; return true; }
            return false;
        }

        private void expect(char c) throws IOException { if (!peek(c)) throw error("expected '" + c + "'"); }

        private IOException error(String what) {
            String shown = text.strip();
            if (shown.length() > 200) shown = shown.substring(0, 200) + "…";
            return new IOException(file + ": bad NPY header (" + what + " at character " + at + "): " + shown);
        }
    }
}

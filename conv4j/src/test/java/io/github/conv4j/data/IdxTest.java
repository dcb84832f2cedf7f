package io.github.conv4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    static final Path SAMPLE = Path.of("data", "fashion-mnist-sample");

    @TempDir Path tmp;

    @Test void readsTheShippedSample() throws IOException {
        Dataset train = Dataset.load(SAMPLE, "train", 10), test = Dataset.load(SAMPLE, "t10k", 10);
        assertEquals(10_000, train.size());
        assertEquals(2_000, test.size());
        assertEquals(28, train.height());
        int[] counts = new int[10];
        for (int i = 0; i < train.size(); i++) counts[train.label(i)]++;
        for (int c : counts) assertTrue(c > 800 && c < 1200, "classes are roughly balanced: " + c);
    }

    private static byte[] idx(int magic, int[] dims, int bodyBytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(magic);
        for (int x : dims) d.writeInt(x);
        d.write(new byte[bodyBytes]);
        return b.toByteArray();
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, content);
        return p;
    }

    private void fails(Path p, String mention, boolean images) {
        IOException e = assertThrows(IOException.class, () -> {
            if (images) Idx.readImages(p); else Idx.readLabels(p);
        });
        assertTrue(e.getMessage().contains(mention), e.getMessage());
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
    }

    @Test void rawAndGzipGiveTheSameImages() throws IOException {
        byte[] raw = idx(0x803, new int[] {2, 3, 4}, 24);
        raw[20] = 7;
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) { g.write(raw); }
        Idx.Images a = Idx.readImages(file("a", raw)), b = Idx.readImages(file("b.gz", gz.toByteArray()));
        assertEquals(2, a.count());
        assertEquals(3, a.rows());
        assertEquals(4, a.cols());
        assertEquals(7, a.pixels()[4]);
        assertEquals(java.util.Arrays.toString(a.pixels()), java.util.Arrays.toString(b.pixels()));
    }

    @Test void badMagic() throws IOException {
        fails(file("m", idx(0x801, new int[] {2, 3, 4}, 24)), "not an IDX image file", true);
        fails(file("l", idx(0x803, new int[] {2}, 2)), "not an IDX label file", false);
    }

    @Test void truncatedBodyAndHeader() throws IOException {
        fails(file("t", idx(0x803, new int[] {2, 3, 4}, 20)), "truncated", true);
        fails(file("h", new byte[] {0, 0, 8, 3, 0, 0}), "truncated IDX header", true);
        fails(file("e", new byte[0]), "truncated IDX header", true);
    }

    @Test void hugeDeclaredCountInATinyFileIsAnErrorNotAnOutOfMemory() throws IOException {
        fails(file("huge", idx(0x803, new int[] {Integer.MAX_VALUE, 28, 28}, 100)), "more than conv4j reads", true);
        fails(file("big", idx(0x803, new int[] {1 << 20, 28, 28}, 100)), "truncated", true);
        fails(file("labels", idx(0x801, new int[] {Integer.MAX_VALUE}, 100)), "truncated", false);
        // count·rows·cols beyond a long (a fuzzing find): an error, not a negative length
        fails(file("overflow", idx(0x803, new int[] {786636, 1697239592, 65534}, 10)), "more than conv4j reads", true);
    }

    @Test void negativeDimensionsAndTrailingData() throws IOException {
        fails(file("neg", idx(0x803, new int[] {-1, 28, 28}, 0)), "must be positive", true);
        fails(file("extra", idx(0x801, new int[] {2}, 3)), "more data than the header declares", false);
    }

    @Test void imageAndLabelCountsMustAgree() throws IOException {
        Files.write(tmp.resolve("train-images-idx3-ubyte"), idx(0x803, new int[] {3, 2, 2}, 12));
        Files.write(tmp.resolve("train-labels-idx1-ubyte"), idx(0x801, new int[] {2}, 2));
        IOException e = assertThrows(IOException.class, () -> Dataset.load(tmp, "train", 10));
        assertTrue(e.getMessage().contains("3 images but") && e.getMessage().contains("2 labels"), e.getMessage());
    }

    @Test void missingFilesAreNamed() {
        IOException e = assertThrows(IOException.class, () -> Dataset.load(tmp, "t10k", 10));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte"), e.getMessage());
    }
}

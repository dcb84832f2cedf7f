package io.github.conv4j.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.function.Executable;

/** Data for the readers' tests, made from the shipped Fashion-MNIST sample, and their shared checks. */
final class ReaderFixtures {
    static final Path SAMPLE_IMAGES = Path.of("data", "fashion-mnist-sample", "t10k-images-idx3-ubyte.gz");
    static final Path SAMPLE_LABELS = Path.of("data", "fashion-mnist-sample", "t10k-labels-idx1-ubyte.gz");
    static final int SIDE = 28, PLANE = SIDE * SIDE;

    private ReaderFixtures() {}

    /** The first {@code n} sample images (of 2,000), N×28×28. */
    static byte[] greyImages(int n) throws IOException {
        return Arrays.copyOf(Idx.readImages(SAMPLE_IMAGES).pixels(), n * PLANE);
    }

    /** The first {@code n} sample labels, 0..9. */
    static int[] labels(int n) throws IOException {
        return Arrays.copyOf(Idx.readLabels(SAMPLE_LABELS), n);
    }

    /** The first {@code n} sample images padded to 32×32 and {@link #colourised}: CIFAR-like N×3×32×32 bytes. */
    static byte[] cifarLike(int n) throws IOException {
        int side = 32;
        byte[] grey = greyImages(n), padded = new byte[n * side * side];
        for (int i = 0; i < n; i++)
            for (int y = 0; y < SIDE; y++) System.arraycopy(grey, i * PLANE + y * SIDE, padded, i * side * side + (y + 2) * side + 2, SIDE);
        return colourised(padded, side * side);
    }

    /** N×plane grey images as N×3×plane colour ones: R = p, G = 255 − p, B = p / 2. */
    static byte[] colourised(byte[] grey, int plane) {
        int n = grey.length / plane;
        byte[] out = new byte[3 * grey.length];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < plane; p++) {
                int v = grey[i * plane + p] & 0xFF;
                out[(3 * i) * plane + p] = (byte) v;
                out[(3 * i + 1) * plane + p] = (byte) (255 - v);
                out[(3 * i + 2) * plane + p] = (byte) (v / 2);
            }
        return out;
    }

    /** N×C×H×W as N×H×W×C. */
    static byte[] channelsLast(byte[] nchw, int channels, int plane) {
        byte[] out = new byte[nchw.length];
        for (int i = 0; i < nchw.length / (channels * plane); i++)
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < plane; p++) out[(i * plane + p) * channels + c] = nchw[(i * channels + c) * plane + p];
        return out;
    }

    /** Asserts {@code read} fails with an IOException naming {@code file} and containing {@code mention}. */
    static IOException refused(Path file, String mention, Executable read) {
        IOException e = assertThrows(IOException.class, read);
        assertTrue(e.getMessage().contains(file.toString()), "names " + file + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(mention), "says '" + mention + "': " + e.getMessage());
        return e;
    }

    /** Bytes allocated by this thread so far (HotSpot's per-thread counter). */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}

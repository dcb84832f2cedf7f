package io.github.conv4j.data;

import static io.github.conv4j.data.ReaderFixtures.PLANE;
import static io.github.conv4j.data.ReaderFixtures.SIDE;
import static io.github.conv4j.data.ReaderFixtures.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    static final int N = 12;
    static byte[] grey;
    static int[] labels;

    @TempDir Path root;

    @BeforeAll static void sample() throws IOException {
        grey = ReaderFixtures.greyImages(N);
        labels = ReaderFixtures.labels(N);
    }

    static BufferedImage greyImage(byte[] values, int offset, int height, int width) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) image.getRaster().setSample(x, y, 0, values[offset + y * width + x] & 0xFF);
        return image;
    }

    /** Planes R, G, B of C×H×W bytes as an RGB image. */
    static BufferedImage colourImage(byte[] planes, int offset, int height, int width) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        int plane = height * width;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 3; c++) image.getRaster().setSample(x, y, c, planes[offset + c * plane + y * width + x] & 0xFF);
        return image;
    }

    private Path save(BufferedImage image, String format, String relative) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(image, format, file.toFile())) throw new IllegalStateException("no " + format + " writer");
        return file;
    }

    /** The Fashion images as grey PNGs under split/class-&lt;label&gt;/, named so sorting keeps their order. */
    private void saveFashion(String split, boolean colour) throws IOException {
        byte[] rgb = ReaderFixtures.colourised(grey, PLANE);
        for (int i = 0; i < N; i++) {
            BufferedImage image = colour ? colourImage(rgb, i * 3 * PLANE, SIDE, SIDE) : greyImage(grey, i * PLANE, SIDE, SIDE);
            save(image, "png", split + "/class-" + labels[i] + "/" + String.format("%03d.png", i));
        }
    }

    /** The sample's images and labels in ImageFolder's order: by class, then by file name. */
    private static int[] orderByClass() {
        return java.util.stream.IntStream.range(0, N).boxed().sorted((a, b) -> labels[a] != labels[b] ? labels[a] - labels[b] : a - b)
                .mapToInt(Integer::intValue).toArray();
    }

    @Test void greyPngValuesComeBackExactly() throws IOException {
        byte[] known = {0, 37, (byte) 128, (byte) 200, (byte) 255, 1, 37, 99, 64};
        save(greyImage(known, 0, 3, 3), "png", "train/only/a.png");
        DecodedImages d = ImageFolder.read(root, Split.TRAIN, 3);
        assertEquals(1, d.channels());
        assertArrayEquals(known, d.pixels(), "stored values, not the gamma-converted ones getRGB gives");
    }

    @Test void greyFashionFolderRoundTrips() throws IOException {
        saveFashion("train", false);
        Files.writeString(root.resolve("train/class-" + labels[0] + "/notes.txt"), "not an image, ignored");
        DecodedImages d = ImageFolder.read(root, Split.TRAIN, SIDE);
        int[] order = orderByClass();
        List<String> classes = Arrays.stream(labels).distinct().sorted().mapToObj(l -> "class-" + l).toList();
        assertEquals(classes, d.classNames());
        assertEquals(1, d.channels());
        for (int k = 0; k < N; k++) {
            int i = order[k];
            assertEquals(classes.indexOf("class-" + labels[i]), d.labels()[k]);
            assertArrayEquals(Arrays.copyOfRange(grey, i * PLANE, (i + 1) * PLANE), Arrays.copyOfRange(d.pixels(), k * PLANE, (k + 1) * PLANE));
        }
    }

    @Test void colourFashionFolderRoundTripsThroughTheRaster() throws IOException {
        saveFashion("train", true);
        byte[] rgb = ReaderFixtures.colourised(grey, PLANE);
        DecodedImages d = ImageFolder.read(root, Split.TRAIN, SIDE);
        assertEquals(3, d.channels());
        int[] order = orderByClass();
        for (int k = 0; k < N; k++)
            assertArrayEquals(Arrays.copyOfRange(rgb, order[k] * 3 * PLANE, (order[k] + 1) * 3 * PLANE),
                    Arrays.copyOfRange(d.pixels(), k * 3 * PLANE, (k + 1) * 3 * PLANE));
    }

    @Test void channelsFollowTheImagesUnlessRequested() throws IOException {
        byte[] g = {10, 20, 30, 40}, rgb = {(byte) 200, 0, 0, 0, 0, (byte) 200, 0, 0, 0, 0, (byte) 200, 0};
        save(greyImage(g, 0, 2, 2), "png", "train/a/grey.png");
        save(colourImage(rgb, 0, 2, 2), "bmp", "train/b/colour.bmp");
        DecodedImages auto = ImageFolder.read(root, Split.TRAIN, 2);
        assertEquals(3, auto.channels(), "one colour image makes the set colour");
        assertArrayEquals(new byte[] {10, 20, 30, 40, 10, 20, 30, 40, 10, 20, 30, 40}, Arrays.copyOf(auto.pixels(), 12), "grey replicated");
        assertArrayEquals(rgb, Arrays.copyOfRange(auto.pixels(), 12, 24));
        DecodedImages one = ImageFolder.read(root, Split.TRAIN, 2, 1);
        // Luma 0.299, 0.587, 0.114 of 200: 60, 117, 23.
        assertArrayEquals(new byte[] {10, 20, 30, 40, 60, 117, 23, 0}, one.pixels());
    }

    @Test void resizesTheShorterSideThenCropsTheCentre() throws IOException {
        // A 4×8 horizontal ramp 10, 30, …, 150: the resize to 2×4 keeps the linear ramp at its inner
        // columns (centres 2.5 and 4.5 of the input, 60 and 100), and the centre crop keeps exactly those.
        byte[] wide = new byte[32], tall = new byte[32];
        for (int y = 0; y < 4; y++) for (int x = 0; x < 8; x++) wide[y * 8 + x] = (byte) (20 * x + 10);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 4; x++) tall[y * 4 + x] = (byte) (20 * y + 10);
        save(greyImage(wide, 0, 4, 8), "png", "train/a/wide.png");
        save(greyImage(tall, 0, 8, 4), "png", "train/b/tall.png");
        DecodedImages d = ImageFolder.read(root, Split.TRAIN, 2);
        assertArrayEquals(new byte[] {60, 100, 60, 100, 60, 60, 100, 100}, d.pixels());
        DecodedImages crop = ImageFolder.read(root, Split.TRAIN, 4);
        byte[] expected = new byte[32];
        for (int y = 0; y < 4; y++) System.arraycopy(wide, y * 8 + 2, expected, y * 4, 4);
        System.arraycopy(tall, 2 * 4, expected, 16, 16);
        assertArrayEquals(expected, crop.pixels(), "no resize when the shorter side is already the size: a pure centre crop");
    }

    @Test void testSplitUsesTrainClassIndicesAndFallsBackToVal() throws IOException {
        byte[] one = {5};
        for (String c : new String[] {"ant", "bee", "cat"}) save(greyImage(one, 0, 1, 1), "png", "train/" + c + "/x.png");
        save(greyImage(one, 0, 1, 1), "gif", "val/cat/y.GIF");
        DecodedImages test = ImageFolder.read(root, Split.TEST, 1);
        assertEquals(List.of("ant", "bee", "cat"), test.classNames());
        assertArrayEquals(new int[] {2}, test.labels());
        assertArrayEquals(one, test.pixels());
    }

    @Test void refusesAClassFolderWithNoImages() throws IOException {
        save(greyImage(new byte[1], 0, 1, 1), "png", "train/a/x.png");
        Files.createDirectories(root.resolve("train/b"));
        Files.writeString(root.resolve("train/b/readme.txt"), "no images here");
        refused(root.resolve("train/b"), "class folder with no images", () -> ImageFolder.read(root, Split.TRAIN, 1));
    }

    @Test void refusesAnUndecodableImageByName() throws IOException {
        save(greyImage(new byte[1], 0, 1, 1), "png", "train/a/x.png");
        Path broken = root.resolve("train/a/y.png");
        Files.writeString(broken, "this is not a PNG");
        refused(broken, "undecodable image", () -> ImageFolder.read(root, Split.TRAIN, 1));
        byte[] png = Files.readAllBytes(root.resolve("train/a/x.png"));
        Files.write(broken, Arrays.copyOf(png, 40)); // a real PNG signature and header, cut short
        refused(broken, "undecodable image", () -> ImageFolder.read(root, Split.TRAIN, 1));
    }

    @Test void refusesATestClassThatTrainLacks() throws IOException {
        save(greyImage(new byte[1], 0, 1, 1), "png", "train/a/x.png");
        save(greyImage(new byte[1], 0, 1, 1), "png", "test/z/x.png");
        refused(root.resolve("test/z"), "class folder 'z' is not among the classes", () -> ImageFolder.read(root, Split.TEST, 1));
    }

    @Test void refusesMissingFolders() throws IOException {
        refused(root.resolve("train"), "no such folder", () -> ImageFolder.read(root, Split.TRAIN, 1));
        Files.createDirectories(root.resolve("train"));
        refused(root.resolve("train"), "no class folders", () -> ImageFolder.read(root, Split.TRAIN, 1));
        save(greyImage(new byte[1], 0, 1, 1), "png", "train/a/x.png");
        refused(root, "no test/ or val/ folder", () -> ImageFolder.read(root, Split.TEST, 1));
    }

    @Test void refusesBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.read(root, Split.TRAIN, 0));
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.read(root, Split.TRAIN, 8, 2));
    }
}

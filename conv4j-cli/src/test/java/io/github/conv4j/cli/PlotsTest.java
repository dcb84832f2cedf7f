package io.github.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --plots: three readable PNGs of plausible sizes, and a confusion matrix that counts every test image once. */
class PlotsTest {
    @TempDir Path tmp;

    @Test void trainWritesTheThreePlotsAndTheConfusionCounts() throws Exception {
        Path plots = tmp.resolve("plots"), report = tmp.resolve("r.json");
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        int code;
        try {
            code = Main.run("train", "--model", "lenet5", "--epochs", "1", "--train-limit", "500", "--test-limit", "200", "--plots",
                    plots.toString(), "-o", tmp.resolve("m.c4j").toString(), "--report", report.toString(), "--no-progress");
        } finally {
            System.setOut(oldOut);
        }
        assertEquals(0, code, out.toString());

        BufferedImage curves = png(plots.resolve(Plots.CURVES));
        assertTrue(curves.getWidth() >= 600 && curves.getHeight() >= 400, curves.getWidth() + "×" + curves.getHeight());
        // lenet5's first convolution: 6 filters of 5×5, each weight drawn as a block of at least 10×10 pixels.
        BufferedImage filters = png(plots.resolve(Plots.FILTERS));
        assertTrue(filters.getWidth() >= 3 * 50 && filters.getHeight() >= 2 * 50, filters.getWidth() + "×" + filters.getHeight());
        assertTrue(distinctGreys(filters) > 10, "the filters show contrast, not one flat colour");
        BufferedImage matrix = png(plots.resolve(Plots.CONFUSION));
        assertTrue(matrix.getWidth() >= 600 && matrix.getHeight() >= 600, matrix.getWidth() + "×" + matrix.getHeight());

        List<String> csv = Files.readAllLines(plots.resolve(Plots.CONFUSION_CSV));
        assertEquals(11, csv.size(), "a header and one row per class");
        assertTrue(csv.get(0).contains("T-shirt/top") && csv.get(0).contains("Ankle boot"), csv.get(0));
        long total = 0, diagonal = 0;
        for (int row = 1; row < csv.size(); row++) {
            String[] cells = csv.get(row).split(",");
            assertEquals(11, cells.length, csv.get(row));
            for (int col = 1; col < cells.length; col++) {
                long n = Long.parseLong(cells[col]);
                total += n;
                if (col == row) diagonal += n;
            }
        }
        assertEquals(200, total, "every test image counted once");
        String json = Files.readString(report);
        assertTrue(json.contains("\"confusion_matrix\""), json);
        // The diagonal is the correct predictions: it must agree with the reported test accuracy.
        double accuracy = Double.parseDouble(json.replaceAll("(?s).*\\n  \"test_accuracy\": ([0-9.E-]+).*", "$1"));
        assertEquals(accuracy, diagonal / 200.0, 1e-9);
        for (String name : new String[] {Plots.CURVES, Plots.FILTERS, Plots.CONFUSION})
            assertTrue(out.toString().contains(plots.resolve(name).toAbsolutePath().toString()), out.toString());
        try (var left = Files.list(plots)) {
            assertTrue(left.noneMatch(p -> p.toString().endsWith(".tmp")), "no temp files left behind");
        }
    }

    private static BufferedImage png(Path file) throws Exception {
        assertTrue(Files.size(file) > 1000, file + " is " + Files.size(file) + " bytes");
        byte[] head = Arrays.copyOf(Files.readAllBytes(file), 8);
        assertEquals("\u0089PNG", new String(head, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1), file + " is a PNG");
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, file + " is readable");
        return img;
    }

    private static long distinctGreys(BufferedImage img) {
        return java.util.stream.IntStream.range(0, img.getWidth() * img.getHeight())
                .map(i -> img.getRGB(i % img.getWidth(), i / img.getWidth()) & 0xFF).distinct().count();
    }
}

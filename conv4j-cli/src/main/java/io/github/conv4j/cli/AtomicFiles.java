package io.github.conv4j.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/**
 * Writes output files whole or not at all (a temp file beside the target, then a rename), so a
 * killed run or a reader polling the folder never sees half a report or half a PNG.
 */
final class AtomicFiles {
    private AtomicFiles() {}

    @FunctionalInterface
    private interface Writer { void writeTo(Path tmp) throws IOException; }

    static void writeString(Path file, String text) throws IOException {
        write(file, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    static void writePng(Path file, BufferedImage image) throws IOException {
        write(file, tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) throw new IOException(file + ": this Java has no PNG writer");
        });
    }

    private static void write(Path file, Writer writer) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try {
            writer.writeTo(tmp);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}

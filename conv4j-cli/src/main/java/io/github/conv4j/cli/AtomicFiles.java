package io.github.conv4j.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import javax.imageio.ImageIO;

/**
 * Writes output files whole or not at all (a temp file beside the target, synced, then a rename), so a
 * killed run or a reader polling the folder never sees half a report or half a PNG.
 */
final class AtomicFiles {
    private AtomicFiles() {}

    @FunctionalInterface
    private interface Writer { void writeTo(Path tmp) throws IOException; }

    /** What streams a file's bytes into a channel (of the temp file). */
    @FunctionalInterface
    interface ChannelWriter { void writeTo(FileChannel out) throws IOException; }

    static void writeString(Path file, String text) throws IOException {
        write(file, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    static void writePng(Path file, BufferedImage image) throws IOException {
        write(file, tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) throw new IOException(file + ": this Java has no PNG writer");
        });
    }

    /** Streams {@code file}'s bytes through {@code writer} into the temp file, then syncs and renames it. */
    static void writeChannel(Path file, ChannelWriter writer) throws IOException {
        write(file, tmp -> {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                writer.writeTo(out);
            }
        });
    }

    private static void write(Path file, Writer writer) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try {
            writer.writeTo(tmp);
            // On disk before the rename: a crash then leaves the old file or the whole new one, not an empty one.
            try (FileChannel written = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                written.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}

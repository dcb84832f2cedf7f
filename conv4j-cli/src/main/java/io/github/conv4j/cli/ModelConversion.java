package io.github.conv4j.cli;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What {@code import} and {@code export} share: the model file they convert, checked to exist
 * before anything is read, and the file they write, by default the source's name with the other
 * format's extension, whose write failures name it (the JDK's own often give no path).
 *
 * @param source the model file to read
 * @param target the file to write
 */
record ModelConversion(Path source, Path target) {

    /** Fails unless {@code source} is a file; the target is {@code output}, else {@code source} with {@code extension}. */
    static ModelConversion of(Path source, Path output, String extension) throws IOException {
        Common.requireFile(source);
        return new ModelConversion(source, output != null ? output : Common.withExtension(source, extension));
    }

    /** Runs {@code writer} on the target, an I/O failure reported as {@code cannot write TARGET: why}. */
    void write(TargetWriter writer) throws IOException {
        try {
            writer.write(target);
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** What writes the converted model to a path. */
    @FunctionalInterface
    interface TargetWriter {
        void write(Path target) throws IOException;
    }
}

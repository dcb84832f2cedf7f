package io.github.conv4j.cli;

import java.io.IOException;
import java.nio.file.Path;

/** Writes a JSON report atomically, for scripts and CI to read. */
final class Reports {
    private Reports() {}

    static void write(Path file, Object report) throws IOException {
        if (file == null) return;
        AtomicFiles.writeString(file, Json.write(report));
    }
}

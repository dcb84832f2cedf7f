package io.github.conv4j.cli;

import io.github.conv4j.data.DataFormat;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.nn.Parallelism;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What several commands share: dataset location, labels, threads, memory figures. */
final class Common {
    private Common() {}

    /**
     * The Fashion-MNIST sample the repository ships, used when no --data is given: under the
     * repository the launcher names ({@code -Dconv4j.home}), else under the current folder.
     */
    static final Path SAMPLE = Path.of(System.getProperty("conv4j.home", "."), "data", "fashion-mnist-sample").normalize();

    /** Fails naming {@code file} unless it is a readable file: the JDK's own exception gives the path alone. */
    static void requireFile(Path file) throws IOException {
        if (!java.nio.file.Files.isRegularFile(file)) throw new IOException(file + ": no such file");
    }

    /** {@code file} with its extension (the part from the last dot of its name) replaced by {@code extension}. */
    static Path withExtension(Path file, String extension) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + extension);
    }

    static Path dataDir(Path given) throws IOException {
        Path dir = given != null ? given : SAMPLE;
        if (!Files.isDirectory(dir))
            throw new IOException(given != null ? "data folder " + dir + " does not exist"
                    : "no --data given and the shipped sample " + SAMPLE + " is not there (pass --data DIR)");
        return dir;
    }

    /** {@code data: CIFAR-10 binary, 50,000 training / 10,000 test images, 3×32×32, 10 classes}: what --data was found to hold. */
    static String describeData(DataFormat format, Path dir, Dataset train, Dataset test) {
        return String.format("data: %s, %,d training / %,d test images, %s, %d classes", format.describe(dir), train.size(), test.size(),
                train.describeShape(), train.classes());
    }

    /** "1 epoch", "5 epochs": a count with its noun, plural when it is not one. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Sets conv4j's thread count (0 = all cores) and policy ("batch" or "blas"); returns the count. */
    static int threads(int requested, String policy) {
        if (requested < 0) throw new IllegalArgumentException("--threads must be >= 0, got " + requested);
        int n = requested == 0 ? Runtime.getRuntime().availableProcessors() : requested;
        Parallelism.Mode mode;
        try {
            mode = Parallelism.Mode.valueOf(policy.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--parallel must be batch or blas, got " + policy);
        }
        Parallelism.configure(n, mode);
        return n;
    }

    /** Seconds since this JVM started: the run's wall-clock, start-up and data loading included. */
    static double processSeconds() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
    }

    /** Peak resident set size of this process in MB (Linux /proc; -1 elsewhere). */
    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return -1;
    }
}

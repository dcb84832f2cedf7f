package io.github.conv4j.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --parallel} and {@code --threads}: how the commands that run a model spread conv4j's work over the cores. */
final class ThreadOptions {
    @Option(names = "--parallel", defaultValue = "batch",
            description = "batch (split batches over cores, single-threaded GEMM) or blas (multi-threaded GEMM) (default: ${DEFAULT-VALUE}).")
    String parallel;
    @Option(names = "--threads", defaultValue = "0", description = "Threads, 0 = all cores (default: ${DEFAULT-VALUE}).") int threads;

    /** Fails unless --threads is 0 or more; a command calls it among its other flag checks, in the order it reports them. */
    void check(CommandSpec spec) {
        Flags.notNegative(spec, "--threads", threads);
    }

    /** Sets conv4j's thread count and policy as given; returns the count (all cores for 0). */
    int configure() {
        return Common.threads(threads, parallel);
    }
}

package io.github.conv4j.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a set of PyTorch reference cases is read from: the shared folder beside the checkout
 * (a system property may point elsewhere), or, where that is absent, the copy the repository
 * carries for the GitHub runners. One rule for every conformance test.
 *
 * @param label      the set's name in messages ("conformance", "conformance2")
 * @param configured the shared folder
 * @param copy       the repository's copy
 */
public record ConformanceFolder(String label, Path configured, Path copy) {
    /** {@code ../shared/conformance}, or {@code -Dconv4j.conformance.dir}. */
    public static final ConformanceFolder LAYERS = new ConformanceFolder("conformance",
            Path.of(System.getProperty("conv4j.conformance.dir", "../shared/conformance")), Path.of("conv4j/src/test/conformance"));

    /** {@code -Dconv4j.conformance2.dir}, else the {@code conformance2} folder beside the first set. */
    public static final ConformanceFolder MODERN = new ConformanceFolder("conformance2",
            System.getProperty("conv4j.conformance2.dir") != null ? Path.of(System.getProperty("conv4j.conformance2.dir"))
                    : LAYERS.configured().resolveSibling("conformance2"),
            Path.of("conv4j/src/test/conformance2"));

    /** The folder to read cases from: the shared one, or the copy when it is absent (said on stderr). */
    public Path cases() {
        if (!Files.isDirectory(configured) && Files.isDirectory(copy)) {
            System.err.println(label + ": " + configured + " not found; using the repository's copy " + copy);
            return copy;
        }
        return configured;
    }

    /** True when a shared folder, other than the copy itself, is there to compare the copy with. */
    public boolean sharedPresent() { return Files.isDirectory(configured) && !configured.equals(copy) && Files.isDirectory(copy); }
}

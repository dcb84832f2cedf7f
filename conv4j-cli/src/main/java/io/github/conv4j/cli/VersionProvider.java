package io.github.conv4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code conv4j --version}: the build's own version, -SNAPSHOT included, so that a report or a bug
 * names exactly what ran. From the jar manifest's Implementation-Version (what the launcher runs);
 * from the filtered version.properties when running from a classes folder (tests, an IDE).
 */
final class VersionProvider implements IVersionProvider {
    @Override public String[] getVersion() {
        return new String[] {"conv4j " + version()};
    }

    static String version() {
        String fromManifest = Main.class.getPackage().getImplementationVersion();
        if (fromManifest != null) return fromManifest;
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                // Unfiltered (a build that skipped resource processing) leaves the placeholder.
                if (v != null && !v.startsWith("${")) return v;
            }
        } catch (IOException ignored) {
            // fall through to "unknown"
        }
        return "(version unknown)";
    }
}

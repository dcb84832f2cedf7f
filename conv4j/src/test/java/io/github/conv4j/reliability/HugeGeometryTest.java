package io.github.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays random huge layer geometries ({@link HugeGeometryReplay}) in a child JVM and fails if
 * that JVM dies (a native crash) or any case gives a wrong result. CI runs a few hundred; the
 * long run is {@code mvn test -Dtest=HugeGeometryTest -Dconv4j.hugeGeometries=100000}.
 */
class HugeGeometryTest {
    private static final int CASES = Integer.getInteger("conv4j.hugeGeometries", 400);
    private static final Pattern TALLY = Pattern.compile("huge geometries: (\\d+) cases, (\\d+) ran, (\\d+) reference-checked, (\\d+) refused, (\\d+) out of memory");

    @TempDir Path tmp;

    @Test void noGeometryCrashesTheJvm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = tmp.resolve("replay.log");
        Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-Dorg.bytedeco.javacpp.maxBytes=1g",
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir", tmp.resolve("cache").toString()),
                "-cp", System.getProperty("java.class.path"), HugeGeometryReplay.class.getName(), "12", Integer.toString(CASES)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(Math.max(120, CASES / 50), TimeUnit.SECONDS);
        if (!done) p.destroyForcibly().waitFor();
        List<String> lines = Files.readAllLines(log);
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        assertTrue(done, "the replay did not finish in time; its last lines:\n" + tail);
        assertEquals(0, p.exitValue(), "the replay JVM died (exit " + p.exitValue() + "); its last lines:\n" + tail);
        Matcher m = TALLY.matcher(lines.isEmpty() ? "" : lines.get(lines.size() - 1));
        assertTrue(m.matches(), "no tally line; the last lines:\n" + tail);
        assertEquals(CASES, Integer.parseInt(m.group(1)));
        // The generator must exercise the kernels, not only the Java checks.
        int ran = Integer.parseInt(m.group(2)), checked = Integer.parseInt(m.group(3));
        assertTrue(ran >= CASES / 10, "only " + ran + " of " + CASES + " geometries ran: " + m.group());
        assertTrue(checked >= CASES / 30, "only " + checked + " convolutions were checked against the reference: " + m.group());
        System.out.println(m.group());
    }
}

package io.github.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relative paths are the caller's: the CLI run in a child JVM whose working folder is a temp
 * folder (as the launcher runs it) writes and reads its files there, and says where.
 */
class CallersFolderTest {
    @TempDir Path caller;

    private record Result(int code, String output) {}

    private Result conv4j(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dconv4j.home=" + Path.of("").toAbsolutePath(), // the tests run from the repository's root
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir", ""),
                "-cp", System.getProperty("java.class.path"), "io.github.conv4j.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(caller.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        return new Result(p.exitValue(), output);
    }

    @Test void trainWritesIntoTheCallersFolderAndEvalReadsFromIt() throws Exception {
        Result train = conv4j("train", "--model", "lenet5", "--epochs", "1", "--train-limit", "320", "--test-limit", "100", "-o", "m.c4j",
                "--no-progress");
        assertEquals(0, train.code(), train.output());
        Path model = caller.resolve("m.c4j");
        assertTrue(Files.isRegularFile(model), "m.c4j lands in the caller's folder");
        assertTrue(train.output().contains("model saved to " + model.toRealPath()), train.output());
        assertTrue(train.output().contains("1 epoch,") && !train.output().contains("1 epochs"), train.output());

        Result eval = conv4j("eval", "m.c4j");
        assertEquals(0, eval.code(), eval.output());
        assertTrue(eval.output().contains("m.c4j: test loss"), eval.output());

        Result missing = conv4j("eval", "nope.c4j");
        assertEquals(1, missing.code(), missing.output());
        assertTrue(missing.output().contains("nope.c4j: no such model file"), missing.output());
    }
}

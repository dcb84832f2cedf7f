package io.github.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.io.ModelFile;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts training in a child JVM and kills it (SIGKILL) at random moments, 20 times; checkpoint
 * writes are slowed down so that some kills land in the middle of one. After every kill the
 * newest checkpoint must load, and the next start must resume from it and remove any temporary
 * file the killed writer left.
 */
class KillTest {
    @TempDir Path tmp;

    private Process start(Path ckpt, int epochs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-Dconv4j.io.writePauseMs=150",
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir", tmp.resolve("cache").toString()),
                "-cp", System.getProperty("java.class.path"), "io.github.conv4j.cli.Main", "train", "--model", "lenet5",
                "--train-limit", "320", "--test-limit", "64", "--epochs", Integer.toString(epochs), "--checkpoint", ckpt.toString(),
                "-o", tmp.resolve("model.c4j").toString(), "--resume", "--no-progress", "--threads", "1"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile())
                .directory(new File(".")).start();
    }

    @Test void twentyKillsLoseNothingButTheCurrentEpoch() throws Exception {
        Path ckpt = tmp.resolve("run.ckpt"), leftover = tmp.resolve("run.ckpt" + ModelFile.TEMP_SUFFIX);
        SplittableRandom rng = new SplittableRandom(20);
        int lastEpoch = 0, midWrite = 0;
        List<String> outcomes = new ArrayList<>();
        for (int kill = 0; kill < 20; kill++) {
            Process p = start(ckpt, 10_000);
            // 1.0–3.5 s: from JVM start-up to well past the first checkpoint on a slow machine.
            Thread.sleep(1000 + rng.nextInt(2500));
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            boolean torn = Files.exists(leftover);
            if (torn) midWrite++;
            int epoch = 0;
            if (Files.exists(ckpt)) {
                try (ModelFile.Loaded l = ModelFile.load(ckpt)) {
                    l.model().close();
                    epoch = Integer.parseInt(l.metadata().get("checkpoint.epoch"));
                }
            }
            assertTrue(epoch >= lastEpoch, "checkpoint went back from epoch " + lastEpoch + " to " + epoch);
            lastEpoch = epoch;
            outcomes.add("kill " + (kill + 1) + ": checkpoint epoch " + epoch + (torn ? ", killed mid-write (temp file left)" : ""));
        }
        // A last, uninterrupted start resumes, finishes one more epoch and leaves no temporary file.
        Process p = start(ckpt, lastEpoch + 1);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "final run finished");
        String log = Files.readString(tmp.resolve("child.log"));
        assertEquals(0, p.exitValue(), log);
        if (lastEpoch > 0) assertTrue(log.contains("resumed from"), log);
        assertFalse(Files.exists(leftover), "no temporary file after a clean start");
        outcomes.forEach(o -> System.out.println("kill test: " + o));
        System.out.println("kill test: " + midWrite + " of 20 kills landed mid-write; final epoch " + (lastEpoch + 1));
        assertTrue(lastEpoch > 0, "training made progress across kills");
    }
}

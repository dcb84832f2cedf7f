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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts training in a child JVM and kills it (SIGKILL) 20 times, each time at a moment the child
 * announces, so every run kills at the same points whatever the machine's speed: right after a
 * checkpoint was written (its epoch line), while the next epoch trains, and in the middle of a
 * checkpoint write (its temporary file exists; {@code -Dconv4j.io.writePauseMs} holds the write
 * open). After every kill the newest checkpoint must load and hold exactly the epoch expected, and
 * the next start must resume from it and remove the temporary file a killed writer left.
 */
class KillTest {
    /** Long enough that a kill aimed inside a checkpoint write cannot miss it, whatever the load. */
    private static final long HELD_WRITE_MS = 60_000;
    private static final Pattern EPOCH_LINE = Pattern.compile("^epoch (\\d+):");

    @TempDir Path tmp;

    /** Where a kill lands. */
    private enum Moment {
        /** After the epoch line (printed once its checkpoint is written); the run was asked for that one epoch only. */
        AFTER_CHECKPOINT,
        /** Inside a checkpoint write: once the temporary file exists. */
        MID_WRITE,
        /** Right after resuming, while the next epoch trains (or its write is held): the checkpoint must not change. */
        WHILE_TRAINING
    }

    private Process start(Path ckpt, int epochs, long writePauseMs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-Dconv4j.io.writePauseMs=" + writePauseMs,
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir", tmp.resolve("cache").toString()),
                "-cp", System.getProperty("java.class.path"), "io.github.conv4j.cli.Main", "train", "--model", "lenet5",
                "--train-limit", "320", "--test-limit", "64", "--epochs", Integer.toString(epochs), "--checkpoint", ckpt.toString(),
                "-o", tmp.resolve("model.c4j").toString(), "--resume", "--no-progress", "--threads", "1"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).directory(new File(".")).start();
    }

    private static int checkpointEpoch(Path ckpt) throws Exception {
        if (!Files.exists(ckpt)) return 0;
        try (ModelFile.Loaded l = ModelFile.load(ckpt)) {
            l.model().close();
            return Integer.parseInt(l.metadata().get("checkpoint.epoch"));
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the killed child exited");
    }

    @Test void twentyKillsLoseNothingButTheCurrentEpoch() throws Exception {
        Path ckpt = tmp.resolve("run.ckpt"), leftover = tmp.resolve("run.ckpt" + ModelFile.TEMP_SUFFIX);
        int epoch = 0;   // the checkpoint's epoch, as it must be
        for (int kill = 0; kill < 20; kill++) {
            // The first kill needs no checkpoint to resume from; the last is mid-write, so the final start cleans up.
            Moment moment = Moment.values()[kill % 3];
            boolean tempFileLeft = Files.exists(leftover);
            Process p = start(ckpt, moment == Moment.AFTER_CHECKPOINT ? epoch + 1 : 10_000,
                    moment == Moment.AFTER_CHECKPOINT ? 0 : HELD_WRITE_MS);
            ProcessLines out = new ProcessLines(p);
            String what = "kill " + (kill + 1) + " (" + moment + ")";
            String resumed = "after epoch " + epoch;
            if (epoch > 0) out.await(l -> l.startsWith("resumed from") && l.endsWith(resumed), what + ": resuming " + resumed);
            // The removal is announced before resuming (both on stderr).
            if (tempFileLeft)
                assertTrue(out.text().contains("removed an unfinished checkpoint write"), what + ": the temporary file was not removed:\n" + out.text());
            switch (moment) {
                case AFTER_CHECKPOINT -> {
                    Matcher m = EPOCH_LINE.matcher(out.await(l -> EPOCH_LINE.matcher(l).find(), what + ": an epoch line"));
                    assertTrue(m.find());
                    assertEquals(epoch + 1, Integer.parseInt(m.group(1)), what + ": the epoch trained");
                    kill(p);
                    epoch++;
                }
                case MID_WRITE -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (!Files.exists(leftover)) {
                        assertTrue(p.isAlive(), what + ": the child ended before writing a checkpoint:\n" + out.text());
                        assertTrue(System.nanoTime() < deadline, what + ": no checkpoint write began within 120 s:\n" + out.text());
                        Thread.sleep(1);
                    }
                    kill(p);
                    assertTrue(Files.exists(leftover), what + ": the interrupted write left its temporary file");
                }
                case WHILE_TRAINING -> kill(p);
            }
            assertEquals(epoch, checkpointEpoch(ckpt), what + ": the checkpoint loads and holds the last finished epoch");
            // (After a kill while training, a write may have just begun: the next start must clean that up too.)
            if (moment == Moment.AFTER_CHECKPOINT) assertFalse(Files.exists(leftover), what + ": no temporary file");
        }
        // A last, uninterrupted start removes the torn write, resumes, finishes one more epoch and leaves no temporary file.
        assertTrue(Files.exists(leftover), "the last kill was mid-write");
        Process p = start(ckpt, epoch + 1, 0);
        ProcessLines out = new ProcessLines(p);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "final run finished");
        out.await(l -> l.startsWith("test accuracy"), "the final line");
        String log = out.text();
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("removed an unfinished checkpoint write"), log);
        assertTrue(log.contains("resumed from " + ckpt + " after epoch " + epoch), log);
        assertFalse(Files.exists(leftover), "no temporary file after a clean run");
        assertEquals(epoch + 1, checkpointEpoch(ckpt), "the final run's checkpoint");
        assertEquals(7, epoch, "one epoch gained per kill after a checkpoint (7 of the 20 kills)");
    }
}

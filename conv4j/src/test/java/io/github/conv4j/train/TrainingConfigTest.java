package io.github.conv4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.Normalization;
import io.github.conv4j.optim.LrSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The trainer's options: defaults, validation where a value is set, and immutability. */
class TrainingConfigTest {
    private static void refused(Class<? extends RuntimeException> type, String message, Executable option) {
        assertEquals(message, assertThrows(type, option).getMessage());
    }

    @Test void defaults() {
        TrainingConfig c = new TrainingConfig();
        assertEquals(5, c.epochs());
        assertEquals(64, c.batchSize());
        assertEquals(42, c.seed());
        assertEquals(Normalization.NONE, c.normalization());
        assertEquals(0.1, c.schedule().at(0.1, 12345, 10), "constant learning rate");
        assertNull(c.checkpoint());
        assertFalse(c.resumes());
        assertFalse(c.showsProgress());
        assertEquals(Map.of(), c.metadata());
        assertEquals(List.of(), c.listeners());
        assertSame(System.err, c.log());
    }

    @Test void optionsReturnANewConfigurationAndLeaveTheOldOne() {
        TrainingConfig base = new TrainingConfig();
        TrainingConfig run = base.epochs(2).batchSize(32).seed(7).normalization(Normalization.FASHION_MNIST)
                .schedule(LrSchedule.step(1, 0.5)).checkpoint(Path.of("run.ckpt")).resume().progress().metadata("model", "reference");
        assertEquals(2, run.epochs());
        assertEquals(32, run.batchSize());
        assertEquals(7, run.seed());
        assertEquals(Normalization.FASHION_MNIST, run.normalization());
        assertEquals(0.05, run.schedule().at(0.1, 10, 10), 1e-12);
        assertEquals(Path.of("run.ckpt"), run.checkpoint());
        assertTrue(run.resumes());
        assertTrue(run.showsProgress());
        assertFalse(run.progress(false).showsProgress());
        assertFalse(run.resume(false).resumes());
        assertEquals(Map.of("model", "reference"), run.metadata());
        assertEquals(5, base.epochs(), "the base is unchanged");
        assertNull(base.checkpoint());
        assertEquals(Map.of(), base.metadata());
    }

    @Test void badValuesNameTheOptionAndTheValue() {
        TrainingConfig c = new TrainingConfig();
        refused(IllegalArgumentException.class, "epochs must be positive, got 0", () -> c.epochs(0));
        refused(IllegalArgumentException.class, "batchSize must be positive, got 0", () -> c.batchSize(0));
        refused(IllegalArgumentException.class, "batchSize must be positive, got -64", () -> c.batchSize(-64));
        refused(NullPointerException.class, "normalization", () -> c.normalization(null));
        refused(NullPointerException.class, "schedule", () -> c.schedule(null));
        refused(NullPointerException.class, "checkpoint", () -> c.checkpoint(null));
        refused(NullPointerException.class, "listener", () -> c.onEpoch(null));
        refused(NullPointerException.class, "log", () -> c.log(null));
        refused(NullPointerException.class, "metadata key", () -> c.metadata(null, "x"));
        refused(NullPointerException.class, "metadata value of model", () -> c.metadata("model", null));
        refused(IllegalArgumentException.class, "metadata key 'checkpoint.epoch' is reserved: the trainer writes the checkpoint.* keys",
                () -> c.metadata("checkpoint.epoch", "3"));
        refused(IllegalArgumentException.class, "metadata key 'checkpoint.steps' is reserved: the trainer writes the checkpoint.* keys",
                () -> c.metadata(Map.of("checkpoint.steps", "1")));
    }

    @Test void resumeNeedsACheckpoint() {
        refused(IllegalStateException.class, "resume needs a checkpoint: call checkpoint(path) before resume()", () -> new TrainingConfig().resume());
        assertFalse(new TrainingConfig().resume(false).resumes(), "not resuming needs no checkpoint");
    }

    @Test void metadataKeepsOrderAndIsACopy() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("b", "2");
        given.put("a", "1");
        TrainingConfig c = new TrainingConfig().metadata(given).metadata("c", "3");
        given.put("z", "late");
        assertEquals(List.of("b", "a", "c"), new ArrayList<>(c.metadata().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> c.metadata().put("x", "y"));
    }

    @Test void listenersAccumulateInOrder() {
        List<String> calls = new ArrayList<>();
        TrainingConfig one = new TrainingConfig().onEpoch(r -> calls.add("first"));
        TrainingConfig two = one.onEpoch(r -> calls.add("second"));
        assertEquals(1, one.listeners().size());
        EpochResult r = new EpochResult(1, 0, 0, 0, 0, 0, 0, 0);
        two.listeners().forEach(l -> l.onEpoch(r));
        assertEquals(List.of("first", "second"), calls);
    }
}

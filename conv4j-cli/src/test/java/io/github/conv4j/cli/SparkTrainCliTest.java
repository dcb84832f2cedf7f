package io.github.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code conv4j train --spark local[2]} on the shipped sample: it learns, its report states the
 * workers, the per-step compute and communication times and the accuracies per epoch, and the
 * model it saves scores in {@code conv4j eval} what training reported. (Spark is on the test class
 * path as the CLI's provided dependency; Jackson, which reads the report, comes with it.)
 */
class SparkTrainCliTest {
    @TempDir Path tmp;

    @Test void trainsDataParallelInLocalTwoAndReportsWorkersTimesAndAccuracies() throws Exception {
        Path model = tmp.resolve("spark.c4j"), report = tmp.resolve("spark.json");
        CliRun t = CliRun.of("train", "--spark", "local[2]", "--model", "reference", "--epochs", "2", "--batch", "64", "--lr", "0.05",
                "--train-limit", "3000", "--val-split", "0.1", "--schedule", "cosine",
                "-o", model.toString(), "--report", report.toString(), "--no-progress");
        assertEquals(0, t.code(), t.err());
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        assertEquals("local[2]", r.get("spark_master").asText());
        assertEquals(2, r.get("workers").asInt());
        assertEquals(2 * (2700 / 64), r.get("steps").asInt(), "2 epochs of the 2,700 images left after the 10 % validation split");
        for (String time : new String[] {"step_compute_ms", "step_communication_ms"}) {
            JsonNode ms = r.get(time);
            assertTrue(ms.get("median").asDouble() > 0 && ms.get("mean").asDouble() > 0, time + ": " + ms);
            assertTrue(ms.get("median").asDouble() <= r.get("step_wall_ms").get("median").asDouble() + 1e-9, time + " within the step");
        }
        JsonNode epochs = r.get("per_epoch");
        assertEquals(2, epochs.size());
        for (JsonNode e : epochs) {
            assertTrue(e.get("test_accuracy").asDouble() > 0.1 && e.get("validation_accuracy").asDouble() > 0.1, e.toString());
            assertTrue(e.get("train_loss").asDouble() > 0, e.toString());
        }
        double accuracy = r.get("test_accuracy").asDouble();
        System.out.printf("train --spark local[2]: test accuracy %.3f, per step %.1f ms compute + %.1f ms communication (medians)%n",
                accuracy, r.get("step_compute_ms").get("median").asDouble(), r.get("step_communication_ms").get("median").asDouble());
        assertTrue(accuracy > 0.7, "test accuracy " + accuracy);

        CliRun e = CliRun.of("eval", model.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains(String.format("%.2f%%", 100 * accuracy)), "eval scores what training reported (" + accuracy + "): " + e.out());
    }

    @Test void flagsTheSparkRunCannotHonourAreRefused() {
        CliRun t = CliRun.of("train", "--spark", "local[2]", "--augment", "flip", "--train-limit", "256", "--test-limit", "64", "--no-progress",
                "-o", tmp.resolve("m.c4j").toString());
        assertEquals(2, t.code(), t.out() + t.err());
        assertTrue(t.err().contains("--augment is not supported with --spark"), t.err());
    }
}

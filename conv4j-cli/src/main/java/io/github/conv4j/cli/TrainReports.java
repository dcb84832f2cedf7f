package io.github.conv4j.cli;

import io.github.conv4j.data.DataFormat;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.train.EpochResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the train report holds whether the epochs ran here or on Spark: the run's data and length, and the per-epoch entries. */
final class TrainReports {
    private TrainReports() {}

    /** A new report (insertion-ordered) starting with the command, model, data, image counts, epochs and batch. */
    static Map<String, Object> header(String arch, Path dir, DataFormat format, Dataset train, Dataset validation, Dataset test, int epochs, int batch) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", "train");
        r.put("model", arch);
        r.put("data", dir.toString());
        r.put("data_format", format.describe(dir));
        r.put("image_shape", train.describeShape());
        r.put("classes", train.classes());
        r.put("train_images", train.size());
        r.put("test_images", test.size());
        if (validation != null) r.put("validation_images", validation.size());
        r.put("epochs", epochs);
        r.put("batch", batch);
        return r;
    }

    /** One map an epoch: losses and accuracies (validation only when held out), speed, time, data wait. */
    static List<Map<String, Object>> perEpoch(List<EpochResult> history) {
        return perEpoch(history, Map.of());
    }

    /**
     * Each epoch's entry, with the seconds from the start of training to its end (evaluation
     * included) where {@code elapsed} has them: not for epochs a resumed run restored.
     */
    static List<Map<String, Object>> perEpoch(List<EpochResult> history, Map<Integer, Double> elapsed) {
        List<Map<String, Object>> per = new ArrayList<>();
        for (EpochResult e : history) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", e.epoch());
            m.put("train_loss", e.trainLoss());
            m.put("train_accuracy", e.trainAccuracy());
            if (e.hasValidation()) {
                m.put("validation_loss", e.validationLoss());
                m.put("validation_accuracy", e.validationAccuracy());
            }
            m.put("test_loss", e.testLoss());
            m.put("test_accuracy", e.testAccuracy());
            m.put("train_images_per_second", e.imagesPerSecond());
            m.put("seconds", e.seconds());
            if (elapsed.containsKey(e.epoch())) m.put("elapsed_seconds", elapsed.get(e.epoch()));
            m.put("data_wait_share", e.dataWaitShare());
            per.add(m);
        }
        return per;
    }
}

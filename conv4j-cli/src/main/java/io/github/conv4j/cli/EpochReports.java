package io.github.conv4j.cli;

import io.github.conv4j.train.EpochResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The per-epoch entries of the train report, the same whether the epochs ran here or on Spark. */
final class EpochReports {
    private EpochReports() {}

    /** One map an epoch: losses and accuracies (validation only when held out), speed, time, data wait. */
    static List<Map<String, Object>> of(List<EpochResult> history) {
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
            m.put("data_wait_share", e.dataWaitShare());
            per.add(m);
        }
        return per;
    }
}

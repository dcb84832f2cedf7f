package io.github.conv4j.spark;

import io.github.conv4j.nn.Model;
import java.io.IOException;
import java.util.List;

/**
 * Called by {@link SparkTrainer} on the driver when an epoch's last global batch is done, e.g. to
 * evaluate the model on held-out data; training continues when it returns.
 */
@FunctionalInterface
public interface SparkEpochListener {
    /**
     * @param epoch      the epoch just finished, from 1
     * @param model      the driver's model after it (borrowed: use, never close; it keeps training after this returns)
     * @param epochSteps the steps (or local-SGD rounds) that ended in this epoch
     */
    void onEpoch(int epoch, Model model, List<StepTiming> epochSteps) throws IOException;
}

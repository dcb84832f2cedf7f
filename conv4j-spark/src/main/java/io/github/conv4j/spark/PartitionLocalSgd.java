package io.github.conv4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;

/**
 * The task of one local-SGD round on one partition: from the broadcast values, one plain SGD
 * step per entry of {@code learningRates}, at that rate, on the partition's successive shares
 * ({@link BatchPlan} steps {@code firstStep, firstStep + 1, ...}), returning how far the parameters moved, weighted by the
 * samples seen (see {@link GradientWorker#localSgd}).
 */
final class PartitionLocalSgd extends PartitionTask {
    private static final long serialVersionUID = 1L;
    private final long firstStep;
    private final double[] learningRates;   // one per local step: the schedule's rate at its global step

    PartitionLocalSgd(ModelSpec spec, Broadcast<ModelValues> values, InputScaling scaling, BatchPlan plan,
                      long firstStep, double[] learningRates) {
        super(spec, values, scaling, plan);
        this.firstStep = firstStep;
        this.learningRates = learningRates;
    }

    @Override GradientSum compute(GradientWorker worker, ModelValues start, InputScaling scaling, PartitionSamples mine) {
        List<List<LabelledImage>> batches = new ArrayList<>(learningRates.length);
        for (int h = 0; h < learningRates.length; h++) batches.add(mine.batch(firstStep + h));
        return worker.localSgd(start, batches, scaling, firstStep, learningRates);
    }
}

package io.github.conv4j.spark;

import org.apache.spark.broadcast.Broadcast;

/**
 * The task of one synchronous step on one partition: the gradient sum of the partition's share of
 * the global batch ({@link BatchPlan}) under the broadcast parameters.
 */
final class PartitionGradient extends PartitionTask {
    private static final long serialVersionUID = 1L;
    private final long step;

    PartitionGradient(ModelSpec spec, Broadcast<ModelValues> values, InputScaling scaling, BatchPlan plan, long step) {
        super(spec, values, scaling, plan);
        this.step = step;
    }

    @Override GradientSum compute(GradientWorker worker, ModelValues start, InputScaling scaling, PartitionSamples mine) {
        return worker.gradientSum(start, mine.batch(step), scaling, step);
    }
}

package io.github.conv4j.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * The task of one synchronous step on one partition: the gradient sum of the partition's share of
 * the global batch ({@link BatchPlan}) under the broadcast parameters. Holds only serialisable
 * values (the spec, a broadcast handle of plain arrays, the plan, the step), never a model or
 * a pointer, and its result depends on nothing else, so a retried task returns the same sum.
 */
final class PartitionGradient implements Function2<Integer, Iterator<LabelledImage>, Iterator<GradientSum>> {
    private static final long serialVersionUID = 1L;
    private final ModelSpec spec;
    private final Broadcast<ModelValues> values;
    private final InputScaling scaling;
    private final BatchPlan plan;
    private final long step;

    PartitionGradient(ModelSpec spec, Broadcast<ModelValues> values, InputScaling scaling, BatchPlan plan, long step) {
        this.spec = spec;
        this.values = values;
        this.scaling = scaling;
        this.plan = plan;
        this.step = step;
    }

    @Override public Iterator<GradientSum> call(Integer partition, Iterator<LabelledImage> samples) {
        List<LabelledImage> batch = new PartitionSamples(samples, plan, partition).batch(step);
        GradientSum sum = ExecutorModels.with(spec, w -> w.gradientSum(values.value(), batch, scaling, step));
        return List.of(sum).iterator();
    }
}

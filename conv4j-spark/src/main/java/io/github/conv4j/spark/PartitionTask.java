package io.github.conv4j.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * A task on one partition that starts a borrowed worker ({@link ExecutorModels}) from the
 * broadcast values and returns one sum. Holds only serialisable values (the spec, a broadcast
 * handle of plain arrays, the plan and what a subclass adds), never a model or a pointer, and its
 * result depends on nothing else, so a retried task returns the same sum.
 */
abstract class PartitionTask implements Function2<Integer, Iterator<LabelledImage>, Iterator<GradientSum>> {
    private static final long serialVersionUID = 1L;
    private final ModelSpec spec;
    private final Broadcast<ModelValues> values;
    private final InputScaling scaling;
    private final BatchPlan plan;

    PartitionTask(ModelSpec spec, Broadcast<ModelValues> values, InputScaling scaling, BatchPlan plan) {
        this.spec = spec;
        this.values = values;
        this.scaling = scaling;
        this.plan = plan;
    }

    @Override public final Iterator<GradientSum> call(Integer partition, Iterator<LabelledImage> samples) {
        PartitionSamples mine = new PartitionSamples(samples, plan, partition);
        GradientSum sum = ExecutorModels.with(spec, worker -> compute(worker, values.value(), scaling, mine));
        return List.of(sum).iterator();
    }

    /** What {@code worker} computes from {@code start} on the batches this task picks from {@code mine}. */
    abstract GradientSum compute(GradientWorker worker, ModelValues start, InputScaling scaling, PartitionSamples mine);
}

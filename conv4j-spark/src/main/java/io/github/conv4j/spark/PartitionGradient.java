package io.github.conv4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * The task of one step on one partition: the gradient sum of the partition's share of the global
 * batch ({@link BatchPlan}) under the broadcast parameters. Holds only serialisable values (the
 * spec, a broadcast handle of a {@code float[]}, the plan, the step), never a model or a pointer,
 * and its result depends on nothing else, so a retried task returns the same sum.
 */
final class PartitionGradient implements Function2<Integer, Iterator<LabelledImage>, Iterator<GradientSum>> {
    private static final long serialVersionUID = 1L;
    private final ModelSpec spec;
    private final Broadcast<float[]> parameters;
    private final InputScaling scaling;
    private final BatchPlan plan;
    private final long step;

    PartitionGradient(ModelSpec spec, Broadcast<float[]> parameters, InputScaling scaling, BatchPlan plan, long step) {
        this.spec = spec;
        this.parameters = parameters;
        this.scaling = scaling;
        this.plan = plan;
        this.step = step;
    }

    @Override public Iterator<GradientSum> call(Integer partition, Iterator<LabelledImage> samples) {
        // The cached partition comes back in the same order on every pass: index into it.
        List<LabelledImage> all = new ArrayList<>();
        samples.forEachRemaining(all::add);
        if (all.size() != plan.size(partition))   // the data changed under the cache: the plan would pick other samples
            throw new IllegalStateException("partition " + partition + " holds " + all.size() + " samples, the plan expected " + plan.size(partition));
        int[] picked = plan.indices(partition, step);
        List<LabelledImage> batch = new ArrayList<>(picked.length);
        for (int i : picked) batch.add(all.get(i));
        GradientSum sum = ExecutorModels.with(spec, w -> w.gradientSum(parameters.value(), batch, scaling, step));
        return List.of(sum).iterator();
    }
}

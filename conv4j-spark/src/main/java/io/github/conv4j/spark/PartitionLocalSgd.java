package io.github.conv4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * The task of one local-SGD round on one partition: from the broadcast values, one plain SGD
 * step per entry of {@code learningRates}, at that rate, on the partition's successive shares
 * ({@link BatchPlan} steps {@code firstStep, firstStep + 1, ...}), returning how far the parameters moved, weighted by the
 * samples seen (see {@link GradientWorker#localSgd}). Like {@link PartitionGradient}: serialisable
 * values only, and a pure function of them.
 */
final class PartitionLocalSgd implements Function2<Integer, Iterator<LabelledImage>, Iterator<GradientSum>> {
    private static final long serialVersionUID = 1L;
    private final ModelSpec spec;
    private final Broadcast<ModelValues> values;
    private final InputScaling scaling;
    private final BatchPlan plan;
    private final long firstStep;
    private final double[] learningRates;   // one per local step: the schedule's rate at its global step

    PartitionLocalSgd(ModelSpec spec, Broadcast<ModelValues> values, InputScaling scaling, BatchPlan plan,
                      long firstStep, double[] learningRates) {
        this.spec = spec;
        this.values = values;
        this.scaling = scaling;
        this.plan = plan;
        this.firstStep = firstStep;
        this.learningRates = learningRates;
    }

    @Override public Iterator<GradientSum> call(Integer partition, Iterator<LabelledImage> samples) {
        PartitionSamples mine = new PartitionSamples(samples, plan, partition);
        List<List<LabelledImage>> batches = new ArrayList<>(learningRates.length);
        for (int h = 0; h < learningRates.length; h++) batches.add(mine.batch(firstStep + h));
        GradientSum moved = ExecutorModels.with(spec, w -> w.localSgd(values.value(), batches, scaling, firstStep, learningRates));
        return List.of(moved).iterator();
    }
}

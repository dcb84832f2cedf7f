package io.github.conv4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * The task of one local-SGD round on one partition: from the broadcast parameters, {@code rounds}
 * plain SGD steps on the partition's successive shares ({@link BatchPlan} steps
 * {@code firstStep, firstStep + 1, ...}), returning how far the parameters moved, weighted by the
 * samples seen (see {@link GradientWorker#localSgd}). Like {@link PartitionGradient}: serialisable
 * values only, and a pure function of them.
 */
final class PartitionLocalSgd implements Function2<Integer, Iterator<LabelledImage>, Iterator<GradientSum>> {
    private static final long serialVersionUID = 1L;
    private final ModelSpec spec;
    private final Broadcast<float[]> parameters;
    private final InputScaling scaling;
    private final BatchPlan plan;
    private final long firstStep;
    private final int localSteps;
    private final double learningRate;

    PartitionLocalSgd(ModelSpec spec, Broadcast<float[]> parameters, InputScaling scaling, BatchPlan plan,
                      long firstStep, int localSteps, double learningRate) {
        this.spec = spec;
        this.parameters = parameters;
        this.scaling = scaling;
        this.plan = plan;
        this.firstStep = firstStep;
        this.localSteps = localSteps;
        this.learningRate = learningRate;
    }

    @Override public Iterator<GradientSum> call(Integer partition, Iterator<LabelledImage> samples) {
        PartitionSamples mine = new PartitionSamples(samples, plan, partition);
        List<List<LabelledImage>> batches = new ArrayList<>(localSteps);
        for (int h = 0; h < localSteps; h++) batches.add(mine.batch(firstStep + h));
        GradientSum moved = ExecutorModels.with(spec, w -> w.localSgd(parameters.value(), batches, scaling, firstStep, learningRate));
        return List.of(moved).iterator();
    }
}

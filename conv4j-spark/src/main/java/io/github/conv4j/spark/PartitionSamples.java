package io.github.conv4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** One partition's cached samples in their iteration order, and the batches a {@link BatchPlan} picks from them. */
final class PartitionSamples {
    private final List<LabelledImage> all = new ArrayList<>();
    private final BatchPlan plan;
    private final int partition;

    /** Reads the partition, which must hold as many samples as the plan was made for. */
    PartitionSamples(Iterator<LabelledImage> samples, BatchPlan plan, int partition) {
        samples.forEachRemaining(all::add);
        if (all.size() != plan.size(partition))   // the data changed under the cache: the plan would pick other samples
            throw new IllegalStateException("partition " + partition + " holds " + all.size() + " samples, the plan expected " + plan.size(partition));
        this.plan = plan;
        this.partition = partition;
    }

    /** The samples this partition contributes to plan step {@code step}. */
    List<LabelledImage> batch(long step) {
        int[] picked = plan.indices(partition, step);
        List<LabelledImage> batch = new ArrayList<>(picked.length);
        for (int i : picked) batch.add(all.get(i));
        return batch;
    }
}

package io.github.conv4j.spark;

import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.Model;
import io.github.conv4j.optim.Optimizer;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver's checkpoint of a Spark run: parameters, running statistics, optimiser state and step count in a
 * {@link ModelFile} (written atomically, so a killed driver leaves the previous one intact), with
 * the partition sizes of the batch plan, since resuming only continues identically over the same
 * partitioning.
 */
final class DriverCheckpoint {
    private static final String STEPS = "checkpoint.steps", OPTIMIZER_STEPS = "checkpoint.optimizerSteps",
            PARTITIONS = "spark.partitionSizes", OPTIMIZER = "optimizer.";
    private final Path path;

    DriverCheckpoint(Path path) { this.path = path; }

    /**
     * Saves the model and optimiser after {@code batches} batches of a plan over {@code partitionSizes}
     * (as many as the optimiser's steps when synchronous, more with local SGD).
     */
    void save(Model model, Optimizer optimizer, long batches, String partitionSizes) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(STEPS, Long.toString(batches));
        meta.put(OPTIMIZER_STEPS, Long.toString(optimizer.steps()));
        meta.put("checkpoint.optimizer", optimizer.describe());
        meta.put(PARTITIONS, partitionSizes);
        Map<String, Tensor> extras = new LinkedHashMap<>();
        List<Tensor> state = optimizer.state();
        for (int i = 0; i < state.size(); i++) extras.put(OPTIMIZER + i, state.get(i));
        ModelFile.save(path, model, meta, extras);
    }

    /** Restores parameters, optimiser state and steps if a checkpoint exists; returns the batches done (0 when starting afresh). */
    long restore(Model model, Optimizer optimizer, String partitionSizes) throws IOException {
        ModelFile.removeLeftover(path);
        if (!Files.exists(path)) return 0;
        try (ModelFile.Loaded ck = ModelFile.load(path); Model saved = ck.model()) {
            if (!saved.summary().rows().equals(model.summary().rows()))
                throw new IOException(path + ": checkpoint of a different architecture");
            String savedPartitions = ck.metadata().get(PARTITIONS);
            if (!partitionSizes.equals(savedPartitions))
                throw new IOException(path + ": checkpoint of partitions " + savedPartitions + ", the data now has " + partitionSizes
                        + " (resume over the same partitioning to continue the same batches)");
            model.parameters().copyFrom(saved.parameters());
            if (model.state() != null) model.state().copyFrom(saved.state());   // BatchNorm's running statistics
            List<Tensor> state = optimizer.state();
            for (int i = 0; i < state.size(); i++) {
                Tensor t = ck.extras().get(OPTIMIZER + i);
                if (t == null || t.size() != state.get(i).size())
                    throw new IOException(path + ": optimiser state " + i + " missing or of another size (different optimiser?)");
                state.get(i).copyFrom(t);
            }
            long batches = Long.parseLong(ck.metadata().getOrDefault(STEPS, "0"));
            optimizer.setSteps(Long.parseLong(ck.metadata().getOrDefault(OPTIMIZER_STEPS, Long.toString(batches))));
            return batches;
        } catch (NumberFormatException e) {
            throw new IOException(path + ": bad checkpoint metadata: " + e.getMessage(), e);
        }
    }
}

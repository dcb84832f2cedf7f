package io.github.conv4j.train;

/** Told about each finished epoch, after its checkpoint is written; see {@link TrainingConfig#onEpoch}. */
@FunctionalInterface
public interface EpochListener {
    /** Called once per epoch with that epoch's figures. */
    void onEpoch(EpochResult result);
}

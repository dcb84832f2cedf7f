package io.github.conv4j.data;

/**
 * Which part of a labelled image set to read. Each reader maps it onto its format's own names
 * (CIFAR's {@code data_batch_*.bin} / {@code test_batch.bin}, NPY's {@code train_} / {@code test_}
 * prefixes, an image folder's {@code train/} and {@code test/} or {@code val/}).
 */
public enum Split {
    /** The examples a model learns from. */
    TRAIN,
    /** The held-out examples it is evaluated on (a "validation" folder counts as this). */
    TEST
}

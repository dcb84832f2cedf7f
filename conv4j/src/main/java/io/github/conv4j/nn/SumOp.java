package io.github.conv4j.nn;

/** The op of an {@link Add}, as {@link Graph} fuses it with a batch normalisation before it (package-private, as {@link NormOp}). */
interface SumOp extends PlannedMerge {
    /**
     * Asks this addition to normalise its input {@code k} itself, the output of {@code norm} (its
     * only reader), in the pass that adds it: then {@code norm} is told to {@link
     * NormOp#deferNormalize() defer} its normalisation. True if it will (two inputs only).
     */
    boolean normalizeInput(int k, NormOp norm);
}

package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Conv4jNative.ConvGeom;

/**
 * The kernel path per product of one or more convolution geometries (a layer's, or each part of
 * its {@link ChannelSplit}): the process-wide {@link KernelChooser}'s choice for each geometry and
 * chunk, timed there (a few ms, once per process) the first time it sees one, and set on the
 * geometry. Asked again only when the batch size (the chunk, and with it which path wins, depends
 * on the batch and the workers), the chooser or whether the fast path may run at all (the
 * process-wide switch: off in BLAS mode and under -Dconv4j.kernels=portable) changes, so a steady
 * loop neither asks nor allocates.
 */
final class ConvPaths {
    private final ConvGeom[] geoms;
    private final boolean hasBias;
    private final String name;
    // What the paths were chosen for.
    private int chosenBatch = -1;
    private boolean chosenFast;
    private KernelChooser chosenBy;

    /** The paths of {@code geoms}, of a layer with a bias or not, named {@code name} in the trials' errors. */
    ConvPaths(String name, boolean hasBias, ConvGeom... geoms) {
        this.geoms = geoms;
        this.hasBias = hasBias;
        this.name = name;
    }

    /**
     * Sets every geometry's paths for a batch of {@code batch} images, as the geometries now are;
     * {@code lowers}: whether they lower into a workspace at all (the 1×1 path does not, and has
     * no fast form).
     */
    void choose(int batch, boolean lowers) {
        KernelChooser chooser = KernelChooser.shared();
        boolean fastPossible = lowers && Conv4jNative.fastKernels() == 1;
        if (batch == chosenBatch && chooser == chosenBy && fastPossible == chosenFast) return;
        for (ConvGeom g : geoms) {
            KernelChooser.Choice c = chooser.choose(ConvShape.of(g), fastPossible, () -> new ConvTrials(g, hasBias, name));
            g.path_fwd(c.forward().code()).path_dw(c.weightGradient().code()).path_dx(c.inputGradient().code());
        }
        chosenBatch = batch;
        chosenBy = chooser;
        chosenFast = fastPossible;
    }
}

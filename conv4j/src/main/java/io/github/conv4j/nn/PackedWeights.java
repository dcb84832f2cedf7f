package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Conv4jNative.ConvGeom;
import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One convolution's weights packed the way its forward's fast path reads them, kept across calls
 * while the weights are unchanged. The fast forward otherwise repacks W on every call: for a
 * batch of one at 7×7 (ResNet-18's layer4, 9.4 MB of weights per 512→512 layer) that took longer
 * than the product. The copy is current while the weights' {@link Tensor#version()} (one counter
 * for the model's whole parameter buffer: every optimiser step, load and {@code copyFrom} changes
 * it) and the layout the kernels run now ({@link Conv4jNative#conv2dPackedLayout}: it follows the
 * kernel-path choice and the ISA switches) are those it was packed at; otherwise the next
 * {@link #refresh} packs again. At most one copy, the weights' size, until {@link #close()}.
 * {@link #refresh} runs on the calling thread before the workers start; they only read the copy.
 */
final class PackedWeights implements AutoCloseable {
    /** {@code -Dconv4j.conv.packed=false} packs on every call as before (to compare; tests). */
    static boolean enabled() { return Boolean.parseBoolean(System.getProperty("conv4j.conv.packed", "true")); }

    private static final AtomicLong PACKS = new AtomicLong();

    /** Packings done so far, process-wide (what tests count to see the copy reused). */
    static long packs() { return PACKS.get(); }

    private final Tensor weights;
    private final String name;
    private Tensor packed;   // null until first needed
    private int layout;      // 0: nothing valid in packed
    private long version;    // weights.version() when packed was written

    /** A cache of {@code weights} (K × C/groups × R × S floats, a view of the model's parameters); {@code name} names the layer in errors. */
    PackedWeights(Tensor weights, String name) {
        this.weights = weights;
        this.name = name;
    }

    /**
     * Makes the packed copy current for the forward of {@code g} (whose weights these are) and
     * returns its layout, or 0 where that forward packs nothing (then {@link #packed()} is not read).
     */
    int refresh(ConvGeom g) {
        int now = Conv4jNative.conv2dPackedLayout(g);
        if (now == 0) return 0;
        long v = weights.version();   // read before packing: a write during it leaves the copy stale, not marked current
        if (now == layout && v == version) return layout;
        if (packed == null) packed = Tensor.zeros(Shape.of(Math.toIntExact(weights.size())));
        layout = 0;
        int rc = Conv4jNative.conv2dPack(g, weights.pointer(), packed.pointer(), packed.size());
        if (rc < 0) Status.check(rc, name);
        layout = rc;
        version = v;
        PACKS.incrementAndGet();
        return layout;
    }

    /** Forgets the copy (the next {@link #refresh} packs again): for changes no version counts. */
    void invalidate() { layout = 0; }

    /** The packed copy (valid after a {@link #refresh} that returned a layout). */
    Tensor packed() { return packed; }

    @Override public void close() {
        if (packed != null) packed.close();
        packed = null;
        layout = 0;
    }
}

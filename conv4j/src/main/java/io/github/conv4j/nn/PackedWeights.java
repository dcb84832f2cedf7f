package io.github.conv4j.nn;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Conv4jNative.ConvGeom;
import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>A {@link ChannelSplit} part's copy may be a region of its layer's ({@link #PackedWeights(Tensor,
 * String, PackedWeights, long)}): the packed layout is panels of the ISA's width (16 or 32 output
 * channels) each holding its channels' whole rows, so the channels [k0, k1) of a split on 32-channel
 * boundaries are the floats [k0·rows, k1·rows) of the layer's packing, the same bits whichever of the
 * two packed them (ResNet-18: one 44 MB copy a model instead of two). Each says what its memory holds
 * (layout and weights version); the layer's whole copy is current while its own packing is
 * untouched, or once every part has packed the same.
 */
final class PackedWeights implements AutoCloseable {
    /** {@code -Dconv4j.conv.packed=false} packs on every call as before (to compare; tests). */
    static boolean enabled() { return Boolean.parseBoolean(System.getProperty("conv4j.conv.packed", "true")); }

    private static final AtomicLong PACKS = new AtomicLong();

    /** Packings done so far, process-wide (what tests count to see the copy reused). */
    static long packs() { return PACKS.get(); }

    private final Tensor weights;
    private final String name;
    private final PackedWeights whole;   // the layer's copy this part's is a region of, or null (own memory)
    private final long offset;           // where in whole's
    private final List<PackedWeights> regions = new ArrayList<>();   // on a layer's copy: the parts in its memory
    private volatile boolean regionsWritten;   // on a layer's copy: a part packed since it did (they run on the workers)
    private Tensor packed;   // null until first needed
    private volatile int layout;      // 0: nothing valid in packed (written for a part by its layer's packing too)
    private volatile long version;    // weights.version() when packed was written

    /** A cache of {@code weights} (K × C/groups × R × S floats, a view of the model's parameters); {@code name} names the layer in errors. */
    PackedWeights(Tensor weights, String name) { this(weights, name, null, 0); }

    /**
     * A part's cache of {@code weights} (its rows of the layer's) in the floats from {@code offset}
     * on of {@code whole}'s memory, or in its own with a null {@code whole}; {@link #aligned} says
     * where that holds the same bits.
     */
    PackedWeights(Tensor weights, String name, PackedWeights whole, long offset) {
        this.weights = weights;
        this.name = name;
        this.whole = whole;
        this.offset = offset;
        if (whole != null) {
            if (offset < 0 || offset + weights.size() > whole.weights.size())
                throw new IllegalArgumentException(name + ": a part of " + weights.size() + " packed floats at " + offset
                        + " outside its layer's " + whole.weights.size());
            whole.regions.add(this);
        }
    }

    /** Whether output channel {@code k0} starts a packed panel of every ISA's width (16 and 32), so a part may start there. */
    static boolean aligned(int k0) { return k0 % 32 == 0; }

    /** Makes sure the memory a part packs into exists: called on the calling thread before the workers run the parts. */
    void prepare(ConvGeom g) {
        if (whole != null && Conv4jNative.conv2dPackedLayout(g) != 0) memory();
    }

    private Tensor memory() {
        if (packed == null)
            packed = whole == null ? Tensor.zeros(Shape.of(Math.toIntExact(weights.size())))
                    : whole.memory().view(offset, Shape.of(Math.toIntExact(weights.size())));
        return packed;
    }

    /** Whether the memory holds the packing of layout {@code now} of the weights at version {@code v}. */
    private boolean current(int now, long v) {
        if (!regionsWritten) return now == layout && v == version;
        for (int i = 0; i < regions.size(); i++)   // (by index: an iterator would be allocated per training step)
            if (regions.get(i).layout != now || regions.get(i).version != v) return false;
        return true;   // the parts cover every channel
    }

    /**
     * Makes the packed copy current for the forward of {@code g} (whose weights these are) and
     * returns its layout, or 0 where that forward packs nothing (then {@link #packed()} is not read).
     */
    int refresh(ConvGeom g) {
        int now = Conv4jNative.conv2dPackedLayout(g);
        if (now == 0) return 0;
        long v = weights.version();   // read before packing: a write during it leaves the copy stale, not marked current
        if (current(now, v)) return now;
        if (whole == null && packed == null) memory();
        if (packed == null) throw new IllegalStateException(name + ": the part's packed memory was not prepared");
        layout = 0;
        if (whole != null) {
            whole.layout = 0;
            whole.regionsWritten = true;
        }
        int rc = Conv4jNative.conv2dPack(g, weights.pointer(), packed.pointer(), packed.size());
        if (rc < 0) Status.check(rc, name);
        version = v;
        layout = rc;
        if (whole == null) {   // every part's region holds this packing now
            regionsWritten = false;
            for (int i = 0; i < regions.size(); i++) {   // by index, as in current
                regions.get(i).version = v;
                regions.get(i).layout = rc;
            }
        }
        PACKS.incrementAndGet();
        return rc;
    }

    /** Forgets the copy (the next {@link #refresh} packs again): for changes no version counts. */
    void invalidate() {
        layout = 0;
        regionsWritten = false;   // so its own record decides, and is void
    }

    /** The packed copy (valid after a {@link #refresh} that returned a layout). */
    Tensor packed() { return packed; }

    /** Frees its memory (a part's region is only dropped, and its layer's copy then packs again). */
    @Override public void close() {
        if (packed != null) packed.close();
        packed = null;
        layout = 0;
        if (whole != null && whole.regions.remove(this)) whole.invalidate();
    }
}

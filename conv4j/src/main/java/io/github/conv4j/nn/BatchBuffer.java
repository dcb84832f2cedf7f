package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/**
 * A layer-owned activation buffer for a varying batch size: memory grows to the largest batch
 * seen and is reused; the view for the current batch size is cached, so a steady training loop
 * allocates nothing. A {@link Graph} may {@linkplain #share share} the memory of buffers whose
 * contents are never needed at the same time (its {@link BufferPlan}): then the buffer is a view
 * of the slot's storage, which grows to the largest member at the largest batch.
 */
final class BatchBuffer implements AutoCloseable {
    private final Shape sample;
    private Tensor storage;   // own memory
    private Slot slot;        // shared memory, or null
    private Mode mode;        // slot is used while this says so; null: always
    private Tensor view, viewOf;   // the current batch's view, and the memory it was made from

    BatchBuffer(Shape sample) { this.sample = sample; }

    /** Floats per image. */
    long perImage() { return sample.size(); }

    Shape sample() { return sample; }

    Tensor get(int batch) {
        Tensor memory;
        if (slot != null && (mode == null || mode.shared)) {
            memory = slot.reserve(batch);
        } else {
            if (storage == null || storage.dim(0) < batch) {
                closeOwn();
                storage = Tensor.zeros(sample.prependBatch(batch));
            }
            memory = storage;
        }
        if (view == null || viewOf != memory || view.dim(0) != batch) {
            view = memory == storage && storage.dim(0) == batch ? storage : memory.view(0, sample.prependBatch(batch));
            viewOf = memory;
        }
        return view;
    }

    /**
     * From now on this buffer is a view of {@code s}'s memory while {@code when} is shared, else
     * its own; always with a null {@code when} (its own, if any, then freed).
     */
    void share(Slot s, Mode when) {
        if (when == null) closeOwn();
        slot = s;
        mode = when;
    }

    private void closeOwn() {
        if (storage != null) storage.close();
        storage = null;
        view = null;
        viewOf = null;
    }

    /** Its own memory (null when it has none); a view of it may be lent while the buffer uses its slot. */
    Tensor ownStorage() { return storage; }

    /** Frees its own memory; a shared slot is freed by its owner (the graph). */
    @Override public void close() { closeOwn(); }

    /** Whether the buffers {@linkplain #share shared when} it says so are now in their shared memory (set by the graph per pass). */
    static final class Mode {
        boolean shared;
    }

    /**
     * Memory several buffers take turns in: as large as the largest of them ({@link #fit}) at the
     * largest batch seen. Growing frees the old storage, so it is done only where none of the
     * members holds a result still to be read: at the start of a pass, which the first member to
     * be written in a pass of a new batch size is. A slot used only while a mode is shared may
     * take its memory from a {@link Lender} instead of allocating it: then its storage is a view
     * of memory idle meanwhile, taken again when that is freed or too small.
     */
    static final class Slot implements AutoCloseable {
        private final Lender lender;   // null: always its own memory
        private Shape largest;   // the largest member's sample
        private Tensor storage;
        private int batch;

        Slot(Lender lender) { this.lender = lender; }

        /** Makes room for a member of this sample. */
        void fit(Shape sample) { if (largest == null || sample.size() > largest.size()) largest = sample; }

        long perImage() { return largest == null ? 0 : largest.size(); }

        Tensor reserve(int n) {
            if (storage == null || batch < n || !storage.isOpen()) {   // not open: the memory lent was freed
                close();
                Shape s = largest.prependBatch(n);
                Tensor lent = lender == null ? null : lender.lend(this, s.size());
                storage = lent != null ? lent.view(0, s) : Tensor.zeros(s);
                batch = n;
            }
            return storage;
        }

        /** Frees its own memory (a view of memory lent is only dropped: closing a view frees nothing). */
        @Override public void close() {
            if (storage != null) storage.close();
            storage = null;
            batch = 0;
        }
    }

    /** Lends slots memory of at least some floats that is idle while they are used, each memory to one slot at a time. */
    interface Lender {
        /** Memory of at least {@code floats} for {@code slot} alone (what it held before is given back), or null when none is free. */
        Tensor lend(Slot slot, long floats);
    }
}

package io.github.conv4j.nn;

import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Which activation buffers of a model share memory: each buffer is written at one moment of a
 * pass and read until a later one (both inclusive, in the pass's own order of steps); buffers
 * whose intervals do not overlap take turns in one {@link BatchBuffer.Slot}. Assigned greedily
 * in order of the first write, each to a free slot that fits it best (the smallest at least as
 * large, else the largest, which then grows), a new slot when none is free.
 *
 * <p>A plan used only while a {@link BatchBuffer.Mode} is shared (a training graph's evaluation
 * forwards) lends its slots the buffers' own memory, which nothing reads meanwhile: the
 * training-mode activations, whose contents a backward after such a forward computes again
 * (Graph.backward). An evaluation at no larger a batch than the training's then allocates
 * nothing. Each own memory goes to one slot at a time, the smallest that is large enough.
 */
final class BufferPlan implements AutoCloseable, BatchBuffer.Lender {
    /** The death of a buffer read after the pass (the model's result). */
    static final long FOREVER = Long.MAX_VALUE;

    private record Use(BatchBuffer buffer, long birth, long death) {}

    private record Placement(int slot, long birth) {}

    private record Loan(BatchBuffer.Slot slot, Tensor memory) {}

    private final List<Use> uses = new ArrayList<>();
    private final List<BatchBuffer.Slot> slots = new ArrayList<>();
    private final List<Long> slotEnds = new ArrayList<>(), lastBirths = new ArrayList<>();   // per slot
    private final IdentityHashMap<BatchBuffer, Placement> placed = new IdentityHashMap<>();
    private final IdentityHashMap<BatchBuffer, Loan> loans = new IdentityHashMap<>();   // whose own memory a slot has now
    private final BatchBuffer.Mode mode;

    /** A plan whose buffers are in the shared memory always. */
    BufferPlan() { this(null); }

    /**
     * A plan whose buffers are in the shared memory only while {@code mode} says so (null: always);
     * with a mode, nothing may read or write their own memory while it is shared (it is lent).
     */
    BufferPlan(BatchBuffer.Mode mode) { this.mode = mode; }

    /** A buffer written at step {@code birth} and read until step {@code death} (≥ birth). */
    void add(BatchBuffer b, long birth, long death) {
        if (death < birth) throw new IllegalArgumentException("a buffer read at " + death + " before it is written at " + birth);
        uses.add(new Use(b, birth, death));
    }

    /** Places every buffer added so far in its slot (once). */
    void assign() {
        uses.sort(Comparator.comparingLong(Use::birth));
        for (Use u : uses) {
            int best = -1;
            for (int s = 0; s < slots.size(); s++) {
                if (slotEnds.get(s) >= u.birth()) continue;   // still read: overlaps
                if (best < 0 || better(slots.get(s).perImage(), slots.get(best).perImage(), u.buffer().perImage())) best = s;
            }
            if (best < 0) {
                slots.add(new BatchBuffer.Slot(mode == null ? null : this));
                slotEnds.add(0L);
                lastBirths.add(0L);
                best = slots.size() - 1;
            }
            BatchBuffer.Slot slot = slots.get(best);
            slot.fit(u.buffer().sample());
            slotEnds.set(best, u.death());
            lastBirths.set(best, u.birth());
            placed.put(u.buffer(), new Placement(best, u.birth()));
            u.buffer().share(slot, mode);
        }
        uses.clear();
    }

    /**
     * The smallest own memory of a placed buffer that holds {@code floats} and is not lent to
     * another slot now (a loan of memory since freed, or of a buffer that has other memory now,
     * is over); null when none is. A slot asks only when it first fills, grows or finds its lent
     * memory freed (BatchBuffer.Slot.reserve), never in a steady step (SlotLendingTest), so the
     * lambda and iterators here stay off the per-step path.
     */
    @Override public Tensor lend(BatchBuffer.Slot slot, long floats) {
        loans.values().removeIf(l -> l.slot() == slot);   // what it held is given back (its view is dropped)
        BatchBuffer from = null;
        Tensor best = null;
        for (BatchBuffer b : placed.keySet()) {
            Tensor own = b.ownStorage();
            if (own == null || !own.isOpen() || own.size() < floats || (best != null && own.size() >= best.size())) continue;
            Loan l = loans.get(b);
            if (l != null && l.memory() == own) continue;   // another slot's now
            from = b;
            best = own;
        }
        if (best != null) loans.put(from, new Loan(slot, best));
        return best;
    }

    /** Whether a free slot of {@code a} floats an image fits a buffer of {@code need} better than one of {@code b}. */
    private static boolean better(long a, long b, long need) {
        if ((a >= need) != (b >= need)) return a >= need;
        return a >= need ? a < b : a > b;
    }

    /** Whether a buffer written later in the pass takes over {@code b}'s memory (false for one not placed). */
    boolean overwritten(BatchBuffer b) {
        Placement p = placed.get(b);
        return p != null && lastBirths.get(p.slot()) > p.birth();
    }

    /** Slots made. */
    int slotCount() { return slots.size(); }

    /** Floats per image of all slots together. */
    long perImage() { return slots.stream().mapToLong(BatchBuffer.Slot::perImage).sum(); }

    /** Frees the slots' memory (each takes it again at its next use) and ends every loan. */
    void release() {
        for (BatchBuffer.Slot s : slots) s.close();
        loans.clear();
    }

    @Override public void close() { release(); }
}

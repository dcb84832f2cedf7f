package io.github.conv4j.nn;

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
 */
final class BufferPlan implements AutoCloseable {
    /** The death of a buffer read after the pass (the model's result). */
    static final long FOREVER = Long.MAX_VALUE;

    private record Use(BatchBuffer buffer, long birth, long death) {}

    private record Placement(int slot, long birth) {}

    private final List<Use> uses = new ArrayList<>();
    private final List<BatchBuffer.Slot> slots = new ArrayList<>();
    private final List<Long> slotEnds = new ArrayList<>(), lastBirths = new ArrayList<>();   // per slot
    private final IdentityHashMap<BatchBuffer, Placement> placed = new IdentityHashMap<>();
    private final BatchBuffer.Mode mode;

    /** A plan whose buffers are in the shared memory always. */
    BufferPlan() { this(null); }

    /** A plan whose buffers are in the shared memory only while {@code mode} says so (null: always). */
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
                slots.add(new BatchBuffer.Slot());
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

    @Override public void close() {
        for (BatchBuffer.Slot s : slots) s.close();
    }
}

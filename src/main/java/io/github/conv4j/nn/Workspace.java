package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;

/**
 * One scratch buffer shared by all layers of a model (after Darknet): each layer reports the
 * scratch space it needs and the model reserves the largest once, before the first step.
 */
public final class Workspace implements AutoCloseable {
    private final long limitFloats;
    private Tensor buffer;

    /** A workspace that refuses to grow past {@code limitBytes}. */
    public Workspace(long limitBytes) {
        if (limitBytes <= 0) throw new IllegalArgumentException("workspace limit must be positive");
        this.limitFloats = limitBytes / Float.BYTES;
    }

    /** Default limit: the system property {@code conv4j.workspace.limit.mb}, else 4096 MB. */
    public Workspace() { this(Long.getLong("conv4j.workspace.limit.mb", 4096L) << 20); }

    /** Ensures at least {@code floats} of space, refusing a model that needs more than the limit. */
    public void reserve(long floats, String who) {
        if (floats > limitFloats)
            throw new IllegalArgumentException(who + " needs a workspace of " + (floats * Float.BYTES >> 20)
                    + " MB, above the limit of " + (limitFloats * Float.BYTES >> 20)
                    + " MB (raise -Dconv4j.workspace.limit.mb or use a smaller batch)");
        if (floats > 0 && (buffer == null || buffer.size() < floats)) {
            if (buffer != null) buffer.close();
            buffer = Tensor.zeros(Shape.of(Math.toIntExact(floats)));
        }
    }

    /** The scratch memory, at least {@code floats} long (reserved beforehand). */
    public Tensor get(long floats) {
        if (floats == 0) return null;
        if (buffer == null || buffer.size() < floats)
            throw new IllegalStateException("workspace of " + (buffer == null ? 0 : buffer.size()) + " floats used for " + floats);
        return buffer;
    }

    public long sizeFloats() { return buffer == null ? 0 : buffer.size(); }

    @Override public void close() {
        if (buffer != null) buffer.close();
        buffer = null;
    }
}

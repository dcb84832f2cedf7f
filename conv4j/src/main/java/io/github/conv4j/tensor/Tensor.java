package io.github.conv4j.tensor;

import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Status;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Off-heap float32 memory with a shape: contiguous, row-major (NCHW for images).
 *
 * <p>A tensor either owns its memory (freed by {@link #close()}, deterministically; use
 * try-with-resources) or is a view into another tensor (a slice of a model's flat parameter
 * buffer, a batch-sized window of a larger buffer). Using a closed tensor, or a view of one,
 * throws {@link IllegalStateException}; {@code close()} is idempotent.
 *
 * <p>A third kind is <em>borrowed</em>: a view that something else (a model, a layer) lends to
 * its caller, such as the output of {@code Sequential.forward} or a model's parameters. It can be
 * read and written like any tensor, but its {@code close()} throws, naming the owner, because
 * the memory is the owner's and freed when the owner closes. Copy it ({@link #toArray()},
 * {@link #copyOf}) to keep it beyond that.
 */
public final class Tensor implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicLong LIVE = new AtomicLong(), LIVE_BYTES = new AtomicLong(), LEAKS = new AtomicLong();
    private static final AtomicBoolean LEAK_REPORTED = new AtomicBoolean();

    private final Shape shape;
    private final Tensor owner;      // null when this tensor owns its memory
    private final String lender;     // non-null for a borrowed view: who owns the memory, for close()'s error
    private FloatPointer data;       // null once closed
    private final Ownership ownership;
    private final Cleaner.Cleanable cleanable;
    private volatile long writes;    // on an owning tensor only: see version()

    /**
     * Bookkeeping of an owning tensor, reachable from the Cleaner without the tensor: when a
     * tensor is garbage-collected unclosed, JavaCPP's own deallocator frees the memory, and this
     * logs the leak once per process and counts it.
     */
    private static final class Ownership implements Runnable {
        final long bytes;
        volatile boolean closed;

        Ownership(long bytes) { this.bytes = bytes; }

        @Override public void run() {
            if (closed) return;
            LIVE.decrementAndGet();
            LIVE_BYTES.addAndGet(-bytes);
            LEAKS.incrementAndGet();
            if (LEAK_REPORTED.compareAndSet(false, true))
                System.getLogger("io.github.conv4j").log(System.Logger.Level.WARNING,
                        "conv4j: a tensor of " + bytes + " bytes was garbage-collected without close(); close tensors and models "
                                + "deterministically (try-with-resources). Reported once; see Tensor.leaks().");
        }
    }

    private Tensor(Shape shape, FloatPointer data, Tensor owner) { this(shape, data, owner, null); }

    private Tensor(Shape shape, FloatPointer data, Tensor owner, String lender) {
        this.shape = shape;
        this.data = data;
        this.owner = owner;
        this.lender = lender;
        if (owner == null) {
            ownership = new Ownership(shape.size() * Float.BYTES);
            LIVE.incrementAndGet();
            LIVE_BYTES.addAndGet(ownership.bytes);
            cleanable = CLEANER.register(this, ownership);
        } else {
            ownership = null;
            cleanable = null;
        }
    }

    /** Owning tensors allocated and not yet closed or collected, process-wide. */
    public static long liveCount() { return LIVE.get(); }

    /** Off-heap bytes held by {@link #liveCount()} tensors. */
    public static long liveBytes() { return LIVE_BYTES.get(); }

    /** Tensors that were garbage-collected without {@link #close()}. */
    public static long leaks() { return LEAKS.get(); }

    /** A new zero-filled tensor. */
    public static Tensor zeros(Shape shape) {
        FloatPointer p = new FloatPointer(shape.size());
        if (p.isNull()) throw new OutOfMemoryError("cannot allocate " + shape.size() * 4 + " bytes off-heap for " + shape);
        Status.check(Conv4jNative.fill(shape.size(), 0, shape.size(), 0f, p), "Tensor.zeros");
        return new Tensor(shape, p, null);
    }

    /** A new zero-filled tensor of these dimensions, owned by the caller. */
    public static Tensor zeros(int... dims) { return zeros(Shape.of(dims)); }

    /** A new tensor holding a copy of {@code values}, which must have exactly the shape's size. */
    public static Tensor of(float[] values, int... dims) {
        Shape s = Shape.of(dims);
        if (values.length != s.size())
            throw new IllegalArgumentException(values.length + " values do not fill shape " + s + " (" + s.size() + ")");
        Tensor t = zeros(s);
        t.data.put(values);
        return t;
    }

    /** The shape. */
    public Shape shape() { return shape; }
    /** Number of values. */
    public long size() { return shape.size(); }
    /** Size of dimension {@code i}. */
    public int dim(int i) { return shape.dim(i); }

    /** True until this tensor (or, for a view, its owner) is closed. */
    public boolean isOpen() { return data != null && (owner == null || owner.isOpen()); }

    /**
     * The native memory, for the binding. Throws once closed. Code that writes values through it
     * (an optimiser's native update) calls {@link #markWritten()} afterwards.
     */
    public FloatPointer pointer() {
        if (!isOpen()) throw new IllegalStateException("tensor " + shape + " is closed");
        return data;
    }

    /**
     * A view of {@code shape.size()} elements starting at element {@code offset}; it shares this
     * tensor's memory and becomes unusable when this tensor is closed.
     */
    public Tensor view(long offset, Shape viewShape) {
        Objects.requireNonNull(viewShape);
        if (offset < 0 || offset + viewShape.size() > size())
            throw new IllegalArgumentException("view of " + viewShape.size() + " elements at " + offset
                    + " does not fit in a tensor of " + size());
        FloatPointer v = pointer().getPointer(offset).capacity(viewShape.size());
        return new Tensor(viewShape, v, owner == null ? this : owner);
    }

    /**
     * A borrowed view of all of this tensor (see the class comment): usable like this tensor while
     * it is open, but its {@code close()} throws an {@link IllegalStateException} saying that the
     * memory is owned by {@code lender} (e.g. "layer 3 (Linear(84→10)) of the model") and freed
     * when that closes. What the caller gets of memory it must not free.
     */
    public Tensor borrowed(String lender) {
        Objects.requireNonNull(lender);
        FloatPointer v = pointer().getPointer(0).capacity(size());
        return new Tensor(shape, v, owner == null ? this : owner, lender);
    }

    /**
     * A counter of the writes to this tensor's memory, shared with its owner and every view of it:
     * each write through a method of one of them ({@code copyFrom}, {@code set}, {@code fill},
     * {@code zero}) and each {@link #markWritten()} changes it. What a cache of values derived from
     * the memory compares to know it is still current (a convolution's packed weights, kept
     * across inference calls): one counter for the whole buffer, so a write anywhere in a model's
     * flat parameters invalidates every such cache of that model.
     */
    public long version() { return root().writes; }

    /** Records a write made without this class's methods (through {@link #pointer()}): changes {@link #version()}. */
    public void markWritten() { root().writes++; }   // racing increments may merge, but each changes the value

    private Tensor root() { return owner == null ? this : owner; }

    /** True for a view made by {@link #borrowed}, which its holder may not close. */
    public boolean isBorrowed() { return lender != null; }

    /** A new tensor (owned by the caller, who closes it) holding a copy of {@code src}'s values. */
    public static Tensor copyOf(Tensor src) {
        Tensor t = zeros(src.shape());
        t.copyFrom(src);
        return t;
    }

    /** The same memory seen with another shape of the same size. */
    public Tensor reshape(Shape newShape) {
        if (newShape.size() != size())
            throw new IllegalArgumentException("cannot reshape " + shape + " to " + newShape);
        return view(0, newShape);
    }

    // The pointer's position must stay 0: JavaCPP passes address + position to C. Array copies
    // move it, so each one puts it back.

    /** Copies {@code src} in; its length must be this tensor's size. */
    public void copyFrom(float[] src) {
        if (src.length != size())
            throw new IllegalArgumentException(src.length + " values do not fill tensor " + shape);
        copyFrom(src, 0, 0, src.length);
    }

    /** Copies {@code len} values from {@code src[srcOffset..]} to this tensor's element {@code dstOffset}. */
    public void copyFrom(float[] src, int srcOffset, long dstOffset, int len) {
        FloatPointer p = positioned(dstOffset, src, srcOffset, len, " into ");
        try {
            p.put(src, srcOffset, len);
        } finally {
            p.position(0);
            markWritten();
        }
    }

    /** Copies all values into {@code dst}, which must have this tensor's size. */
    public void copyTo(float[] dst) {
        if (dst.length != size())
            throw new IllegalArgumentException("array of " + dst.length + " cannot hold tensor " + shape);
        copyTo(0, dst, 0, dst.length);
    }

    /** Copies {@code len} values from this tensor's element {@code srcOffset} to {@code dst[dstOffset..]}. */
    public void copyTo(long srcOffset, float[] dst, int dstOffset, int len) {
        FloatPointer p = positioned(srcOffset, dst, dstOffset, len, " from ");
        try {
            p.get(dst, dstOffset, len);
        } finally {
            p.position(0);
        }
    }

    /**
     * The checks of an array copy of {@code len} values between {@code array[arrayOffset..]} and
     * this tensor's element {@code at} ({@code direction} says which way in the error), then the
     * pointer moved to that element; the caller puts it back to 0.
     */
    private FloatPointer positioned(long at, float[] array, int arrayOffset, int len, String direction) {
        Objects.checkFromIndexSize(arrayOffset, len, array.length);
        if (at < 0 || at + len > size())
            throw new IndexOutOfBoundsException("copy of " + len + " at " + at + direction + shape);
        return pointer().position(at);
    }

    /** Copies another tensor's values in (same size; shapes may differ). */
    public void copyFrom(Tensor src) {
        if (src.size() != size()) throw new IllegalArgumentException("cannot copy " + src.shape + " into " + shape);
        Conv4jNative.copy(size(), src.pointer(), pointer());
        markWritten();
    }

    /** A heap copy of all values, which the caller keeps. */
    public float[] toArray() {
        if (size() > Integer.MAX_VALUE - 8) throw new IllegalStateException("tensor " + shape + " is too large for a Java array");
        float[] out = new float[(int) size()];
        copyTo(out);
        return out;
    }

    /** Value {@code i} in row-major order (bounds-checked; for bulk access use {@link #toArray()}). */
    public float get(long i) {
        Objects.checkIndex(i, size());
        return pointer().get(i);
    }

    /** Sets value {@code i} in row-major order (bounds-checked). */
    public void set(long i, float v) {
        Objects.checkIndex(i, size());
        pointer().put(i, v);
        markWritten();
    }

    /** Sets every value to 0. */
    public void zero() { fill(0f); }

    /** Sets every value to {@code v} (one native call). */
    public void fill(float v) {
        Status.check(Conv4jNative.fill(size(), 0, size(), v, pointer()), "Tensor.fill");
        markWritten();
    }

    /**
     * Sets the values, in order, to {@code values}' draws rounded to float. They pass through a
     * small array (64K floats), not one of the whole tensor: that would grow the Java heap by the
     * tensor's size (AlexNet's 9216×4096 weight: 151 MB), resident for the process's life.
     */
    public void fill(DoubleSupplier values) {
        float[] v = new float[(int) Math.min(size(), FILL_CHUNK)];
        for (long at = 0; at < size(); at += v.length) {
            int len = (int) Math.min(v.length, size() - at);
            for (int i = 0; i < len; i++) v[i] = (float) values.getAsDouble();
            copyFrom(v, 0, at, len);
        }
    }

    private static final int FILL_CHUNK = 1 << 16;

    /**
     * Frees owned memory now; a view only becomes unusable. Idempotent.
     *
     * @throws IllegalStateException on a {@link #borrowed} tensor, whose memory belongs to another object
     */
    @Override
    public void close() {
        if (lender != null)
            throw new IllegalStateException("this tensor is owned by " + lender + " and freed when it closes; copy it with toArray() "
                    + "or Tensor.copyOf to keep it, and do not close it (no try-with-resources)");
        FloatPointer p = data;
        data = null;
        if (p != null && owner == null) {
            ownership.closed = true;
            LIVE.decrementAndGet();
            LIVE_BYTES.addAndGet(-ownership.bytes);
            cleanable.clean();
            p.deallocate();
        }
    }

    @Override public String toString() { return "Tensor" + shape + (isOpen() ? "" : " (closed)"); }
}

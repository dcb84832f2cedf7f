package io.github.conv4j.tensor;

import java.util.Objects;
import org.bytedeco.javacpp.IntPointer;

/** Off-heap int32 memory (class labels, pooling argmax). Closed deterministically; idempotent close. */
public final class IntTensor implements AutoCloseable {
    private final long size;
    private IntPointer data;

    /** A zero-filled int32 vector of {@code size} off-heap values, owned by the caller. */
    public IntTensor(long size) {
        if (size <= 0) throw new IllegalArgumentException("an int tensor needs a positive size, got " + size);
        this.size = size;
        this.data = new IntPointer(size);
        if (data.isNull()) throw new OutOfMemoryError("cannot allocate " + size * 4 + " bytes off-heap");
        data.zero();
    }

    /** Number of values. */
    public long size() { return size; }

    /** The native memory, for the binding (throws once closed). */
    public IntPointer pointer() {
        if (data == null) throw new IllegalStateException("int tensor of " + size + " is closed");
        return data;
    }

    /** Value {@code i} (bounds-checked). */
    public int get(long i) { Objects.checkIndex(i, size); return pointer().get(i); }
    /** Sets value {@code i} (bounds-checked). */
    public void set(long i, int v) { Objects.checkIndex(i, size); pointer().put(i, v); }

    /** Copies {@code len} values from {@code src[srcOffset..]} to the start of this vector. */
    public void copyFrom(int[] src, int srcOffset, int len) {
        Objects.checkFromIndexSize(srcOffset, len, src.length);
        if (len > size) throw new IndexOutOfBoundsException(len + " values into an int tensor of " + size);
        pointer().position(0).put(src, srcOffset, len);
    }

    @Override
    public void close() {
        IntPointer p = data;
        data = null;
        if (p != null) p.deallocate();
    }
}

package io.github.conv4j.tensor;

import java.util.Arrays;

/** An immutable tensor shape (row-major, contiguous). Every dimension is positive. */
public final class Shape {
    private final int[] dims;
    private final long size;

    private Shape(int[] dims) {
        if (dims.length == 0) throw new IllegalArgumentException("a shape needs at least one dimension");
        long n = 1;
        for (int d : dims) {
            if (d <= 0) throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has a non-positive dimension");
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^63 elements");
            }
        }
        this.dims = dims;
        this.size = n;
    }

    /** A shape of these dimensions (each positive). */
    public static Shape of(int... dims) { return new Shape(dims.clone()); }

    /** Number of dimensions. */
    public int rank() { return dims.length; }
    /** Size of dimension {@code i}. */
    public int dim(int i) { return dims[i]; }
    /** A copy of the dimensions. */
    public int[] dims() { return dims.clone(); }
    /** Number of elements. */
    public long size() { return size; }

    /** The same shape with the leading (batch) dimension replaced. */
    public Shape withBatch(int n) {
        int[] d = dims.clone();
        d[0] = n;
        return new Shape(d);
    }

    /** Elements of one sample: the size without the leading dimension. */
    public long sampleSize() { return size / dims[0]; }

    /** True when this is a batch of {@code sample}: one more leading dimension, then the same (no allocation). */
    public boolean isBatchOf(Shape sample) {
        if (dims.length != sample.dims.length + 1) return false;
        for (int i = 0; i < sample.dims.length; i++) if (dims[i + 1] != sample.dims[i]) return false;
        return true;
    }

    /** True when the shape is exactly {@code d0 × d1} (no allocation). */
    public boolean is(int d0, int d1) { return dims.length == 2 && dims[0] == d0 && dims[1] == d1; }

    /** The shape without its leading dimension, e.g. C x H x W of an N x C x H x W batch. */
    public Shape dropBatch() {
        if (dims.length < 2) throw new IllegalArgumentException("shape " + this + " has no sample dimensions");
        return new Shape(Arrays.copyOfRange(dims, 1, dims.length));
    }

    /** The shape with a leading batch dimension of n. */
    public Shape prependBatch(int n) {
        int[] d = new int[dims.length + 1];
        d[0] = n;
        System.arraycopy(dims, 0, d, 1, dims.length);
        return new Shape(d);
    }

    @Override public boolean equals(Object o) { return o instanceof Shape && Arrays.equals(dims, ((Shape) o).dims); }
    @Override public int hashCode() { return Arrays.hashCode(dims); }

    @Override public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) b.append(i == 0 ? "" : ", ").append(dims[i]);
        return b.append(']').toString();
    }
}

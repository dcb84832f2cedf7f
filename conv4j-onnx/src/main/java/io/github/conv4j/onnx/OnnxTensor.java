package io.github.conv4j.onnx;

import java.util.Arrays;
import java.util.Objects;

/**
 * A constant tensor of the model: an initializer (weights under their exporter's names), a
 * tensor attribute, or a value that the reader folded to a constant. It holds FLOAT data or INT64
 * data (shapes, indices), never both, and is immutable: the accessors return copies.
 */
public final class OnnxTensor {
    private final String name;
    private final long[] dims;
    private final float[] floats;
    private final long[] longs;

    private OnnxTensor(String name, long[] dims, float[] floats, long[] longs) {
        this.name = Objects.requireNonNull(name, "name");
        this.dims = dims.clone();
        long count = 1;
        for (long dim : this.dims) {
            if (dim < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has negative dimension " + dim);
            }
            count = Math.multiplyExact(count, dim);
        }
        int length = floats != null ? floats.length : longs.length;
        if (count != length) {
            throw new IllegalArgumentException("tensor '" + name + "' has dims " + Arrays.toString(dims)
                    + " (" + count + " values) but " + length + " values");
        }
        this.floats = floats;
        this.longs = longs;
    }

    /**
     * A FLOAT tensor.
     *
     * @param name its name in the graph
     * @param dims its dimensions (empty for a scalar)
     * @param values its values in row-major order; copied
     * @return the tensor
     * @throws IllegalArgumentException if the number of values is not the product of the dims
     */
    public static OnnxTensor ofFloats(String name, long[] dims, float[] values) {
        return new OnnxTensor(name, dims, values.clone(), null);
    }

    /**
     * An INT64 tensor.
     *
     * @param name its name in the graph
     * @param dims its dimensions (empty for a scalar)
     * @param values its values in row-major order; copied
     * @return the tensor
     * @throws IllegalArgumentException if the number of values is not the product of the dims
     */
    public static OnnxTensor ofLongs(String name, long[] dims, long[] values) {
        return new OnnxTensor(name, dims, null, values.clone());
    }

    /**
     * The tensor's name in the graph.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The element type.
     *
     * @return {@link OnnxDataType#FLOAT} or {@link OnnxDataType#INT64}
     */
    public OnnxDataType dataType() {
        return floats != null ? OnnxDataType.FLOAT : OnnxDataType.INT64;
    }

    /**
     * The dimensions.
     *
     * @return a copy of the dimensions; empty for a scalar
     */
    public long[] dims() {
        return dims.clone();
    }

    /**
     * The number of dimensions.
     *
     * @return 0 for a scalar
     */
    public int rank() {
        return dims.length;
    }

    /**
     * The number of values (the product of the dims).
     *
     * @return the count
     */
    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /**
     * The values of a FLOAT tensor.
     *
     * @return a copy of the values in row-major order
     * @throws IllegalStateException if the tensor is INT64
     */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor '" + name + "' is INT64, not FLOAT");
        }
        return floats.clone();
    }

    /**
     * The values of an INT64 tensor.
     *
     * @return a copy of the values in row-major order
     * @throws IllegalStateException if the tensor is FLOAT
     */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("tensor '" + name + "' is FLOAT, not INT64");
        }
        return longs.clone();
    }

    /**
     * This tensor's values under other dims with the same number of values, as Unsqueeze and
     * Reshape give.
     *
     * @param newName the name of the result
     * @param newDims its dimensions
     * @return the reshaped tensor
     */
    OnnxTensor reshaped(String newName, long[] newDims) {
        return new OnnxTensor(newName, newDims, floats, longs);
    }

    /**
     * The same values under another name, as a constant-folded node's output.
     *
     * @param newName the name of the result
     * @return the renamed tensor
     */
    OnnxTensor renamed(String newName) {
        return new OnnxTensor(newName, dims, floats, longs);
    }

    @Override
    public String toString() {
        return name + " " + dataType() + Arrays.toString(dims);
    }
}

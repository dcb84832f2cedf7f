package io.github.conv4j.onnx;

import java.util.Objects;

/**
 * One dimension of a declared shape: a positive size, or a symbol such as {@code "batch"} for a
 * size fixed only when the model runs (an empty symbol for an unnamed unknown size).
 *
 * @param size the size, or {@code -1} when the dimension is symbolic
 * @param symbol the symbol, or {@code null} when the size is known
 */
public record OnnxDimension(long size, String symbol) {

    /**
     * Checks that exactly one of size and symbol is given.
     *
     * @param size the size, or {@code -1}
     * @param symbol the symbol, or {@code null}
     */
    public OnnxDimension {
        if ((symbol == null) == (size < 0) || (symbol == null && size == 0)) {
            throw new IllegalArgumentException("a dimension is a positive size or a symbol, not size "
                    + size + " with symbol " + symbol);
        }
    }

    /**
     * A dimension of known size.
     *
     * @param size a positive size
     * @return the dimension
     */
    public static OnnxDimension of(long size) {
        return new OnnxDimension(size, null);
    }

    /**
     * A dimension known only by name.
     *
     * @param symbol its name, possibly empty
     * @return the dimension
     */
    public static OnnxDimension symbolic(String symbol) {
        return new OnnxDimension(-1, Objects.requireNonNull(symbol, "symbol"));
    }

    /**
     * Whether the size is known.
     *
     * @return {@code true} for a fixed size
     */
    public boolean isFixed() {
        return symbol == null;
    }

    @Override
    public String toString() {
        return isFixed() ? Long.toString(size) : symbol.isEmpty() ? "?" : symbol;
    }
}

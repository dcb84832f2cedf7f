package io.github.conv4j.onnx;

import java.util.Arrays;
import java.util.Optional;

/**
 * What {@link OnnxImporter} should take as given where the file leaves it open. Immutable: each
 * setter returns a new object.
 *
 * <pre>{@code
 * OnnxImportOptions options = OnnxImportOptions.defaults().inputShape(3, 224, 224);
 * try (Graph model = OnnxImporter.importGraph(Path.of("resnet.onnx"), options)) { ... }
 * }</pre>
 *
 * <p>The input shape is the per-sample shape of the graph input, the batch left out (C, H, W for
 * an image): it fills the dimensions the file declares symbolic ({@code dim_param}, as
 * {@code torch.onnx.export}'s {@code dynamic_axes} writes them) or leaves unnamed, and gives the
 * rank of an input whose shape the file does not declare at all. Where the file fixes a dimension
 * the given size must agree with it. The batch stays free: conv4j's models take any batch size.
 */
public final class OnnxImportOptions {
    /**
     * The most elements one sample of the given shape may have: 2^30 floats (4 GiB), above any
     * image a CNN takes (3×8192×8192 is 2^27.6) and below what one Java array holds, which is how
     * conv4j's loaders and {@code conv4j infer} handle a sample.
     */
    public static final long MAX_SAMPLE_ELEMENTS = 1L << 30;

    private static final OnnxImportOptions DEFAULTS = new OnnxImportOptions(null);

    /** The per-sample input shape, or null to take the file's. */
    private final long[] inputShape;

    private OnnxImportOptions(long[] inputShape) {
        this.inputShape = inputShape;
    }

    /**
     * No options: every size comes from the file.
     *
     * @return the default options
     */
    public static OnnxImportOptions defaults() {
        return DEFAULTS;
    }

    /**
     * These options with the graph input's per-sample shape given. The values are checked here,
     * before any model is read; that their number is the input's rank minus one (three for an
     * N×C×H×W image) and that they agree with the sizes the file fixes is checked at the import.
     *
     * @param dims the sizes after the batch, such as {@code 3, 224, 224}
     * @return new options
     * @throws IllegalArgumentException if no size is given, a size is not positive, or the sizes
     *     multiply to more than {@link #MAX_SAMPLE_ELEMENTS}
     */
    public OnnxImportOptions inputShape(long... dims) {
        if (dims == null || dims.length == 0) {
            throw new IllegalArgumentException("an input shape needs at least one size after the batch, got none");
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] <= 0) {
                throw new IllegalArgumentException("input shape " + describe(dims) + ": size " + (i + 1) + " is "
                        + dims[i] + ", not a positive integer");
            }
        }
        if (!withinLimit(dims)) {
            throw new IllegalArgumentException("input shape " + describe(dims) + " has more than "
                    + MAX_SAMPLE_ELEMENTS + " elements per sample (OnnxImportOptions.MAX_SAMPLE_ELEMENTS)");
        }
        return new OnnxImportOptions(dims.clone());
    }

    /**
     * The given per-sample input shape.
     *
     * @return a copy of the sizes after the batch, or empty when the file's are to be taken
     */
    public Optional<long[]> inputShape() {
        return Optional.ofNullable(inputShape).map(long[]::clone);
    }

    /** Whether positive sizes multiply to at most {@link #MAX_SAMPLE_ELEMENTS}. */
    static boolean withinLimit(long[] dims) {
        long elements = 1;
        for (long size : dims) {
            // Dividing rather than multiplying: the product of strangers' sizes could wrap past 2^63.
            if (size > MAX_SAMPLE_ELEMENTS / elements) {
                return false;
            }
            elements *= size;
        }
        return true;
    }

    /** Sizes as the command line writes them: {@code 3,224,224}. */
    static String describe(long[] dims) {
        return String.join(",", Arrays.stream(dims).mapToObj(Long::toString).toList());
    }

    @Override
    public String toString() {
        return "OnnxImportOptions[inputShape=" + (inputShape == null ? "from the file" : describe(inputShape)) + "]";
    }
}

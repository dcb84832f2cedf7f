package io.github.conv4j.onnx;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A value the graph declares, such as a graph input or output: its name, element type and shape.
 *
 * @param name the value's name
 * @param elementType the tensor's element type
 * @param shape the declared dimensions, or empty when the file declares no shape (unknown rank)
 */
public record OnnxValueInfo(String name, OnnxDataType elementType, Optional<List<OnnxDimension>> shape) {

    /**
     * Copies the shape so that the record stays immutable.
     *
     * @param name the value's name
     * @param elementType the element type
     * @param shape the dimensions, or empty
     */
    public OnnxValueInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(elementType, "elementType");
        shape = shape.map(List::copyOf);
    }

    /**
     * The shape as sizes, when every dimension is fixed.
     *
     * @return the sizes, or empty when the rank is unknown or a dimension is symbolic
     */
    public Optional<long[]> fixedDims() {
        if (shape.isEmpty() || !shape.get().stream().allMatch(OnnxDimension::isFixed)) {
            return Optional.empty();
        }
        return Optional.of(shape.get().stream().mapToLong(OnnxDimension::size).toArray());
    }

    /**
     * The sizes after the first dimension (the batch of a graph input), when they are all fixed:
     * the per-sample shape conv4j's layers take, which the file alone gives when it is present.
     *
     * @return the sizes, or empty when the rank is unknown or a size after the batch is symbolic
     */
    public Optional<long[]> fixedSampleDims() {
        if (shape.isEmpty() || !shape.get().stream().skip(1).allMatch(OnnxDimension::isFixed)) {
            return Optional.empty();
        }
        return Optional.of(shape.get().stream().skip(1).mapToLong(OnnxDimension::size).toArray());
    }

    @Override
    public String toString() {
        return name + " " + elementType + shape.map(Object::toString).orElse("[unknown rank]");
    }
}

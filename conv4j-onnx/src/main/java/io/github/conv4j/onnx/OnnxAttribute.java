package io.github.conv4j.onnx;

import java.util.List;
import java.util.Objects;

/**
 * A node's attribute, typed as the file declares it. conv4j reads the six attribute types that
 * CNN operators use; a file with another type (graph, strings, sparse tensor) is refused.
 */
public sealed interface OnnxAttribute {

    /**
     * The attribute's name, such as {@code kernel_shape}.
     *
     * @return the name
     */
    String name();

    /**
     * An INT attribute.
     *
     * @param name the attribute's name
     * @param value its value
     */
    record IntAttribute(String name, long value) implements OnnxAttribute {
    }

    /**
     * An INTS attribute, such as {@code pads}.
     *
     * @param name the attribute's name
     * @param values its values, unmodifiable
     */
    record IntsAttribute(String name, List<Long> values) implements OnnxAttribute {
        /**
         * Copies the values.
         *
         * @param name the attribute's name
         * @param values its values
         */
        public IntsAttribute {
            values = List.copyOf(values);
        }
    }

    /**
     * A FLOAT attribute, such as {@code epsilon}.
     *
     * @param name the attribute's name
     * @param value its value
     */
    record FloatAttribute(String name, float value) implements OnnxAttribute {
    }

    /**
     * A FLOATS attribute.
     *
     * @param name the attribute's name
     * @param values its values, unmodifiable
     */
    record FloatsAttribute(String name, List<Float> values) implements OnnxAttribute {
        /**
         * Copies the values.
         *
         * @param name the attribute's name
         * @param values its values
         */
        public FloatsAttribute {
            values = List.copyOf(values);
        }
    }

    /**
     * A STRING attribute, such as {@code auto_pad}, decoded as UTF-8.
     *
     * @param name the attribute's name
     * @param value its value
     */
    record StringAttribute(String name, String value) implements OnnxAttribute {
        /**
         * Checks the value.
         *
         * @param name the attribute's name
         * @param value its value
         */
        public StringAttribute {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * A TENSOR attribute, such as a Constant node's {@code value}.
     *
     * @param name the attribute's name
     * @param value its tensor
     */
    record TensorAttribute(String name, OnnxTensor value) implements OnnxAttribute {
        /**
         * Checks the value.
         *
         * @param name the attribute's name
         * @param value its tensor
         */
        public TensorAttribute {
            Objects.requireNonNull(value, "value");
        }
    }
}

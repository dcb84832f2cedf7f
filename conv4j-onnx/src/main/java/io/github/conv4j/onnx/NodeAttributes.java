package io.github.conv4j.onnx;

import java.util.Arrays;
import java.util.List;

/**
 * The attributes of one node read as the types a mapper expects, with the operator's defaults
 * for the ones the node leaves out. An attribute of another type or outside int range is refused
 * naming the node, the attribute and its value.
 */
final class NodeAttributes {
    private final NodeContext context;

    NodeAttributes(NodeContext context) {
        this.context = context;
    }

    /** An INT attribute, or {@code defaultValue} when absent. */
    long integer(String name, long defaultValue) throws OnnxModelException {
        OnnxAttribute attribute = context.node().attributes().get(name);
        if (attribute == null) {
            return defaultValue;
        }
        if (attribute instanceof OnnxAttribute.IntAttribute value) {
            return value.value();
        }
        throw wrongType(attribute, "INT");
    }

    /** A FLOAT attribute, or {@code defaultValue} when absent. */
    float number(String name, float defaultValue) throws OnnxModelException {
        OnnxAttribute attribute = context.node().attributes().get(name);
        if (attribute == null) {
            return defaultValue;
        }
        if (attribute instanceof OnnxAttribute.FloatAttribute value) {
            return value.value();
        }
        throw wrongType(attribute, "FLOAT");
    }

    /** A STRING attribute, or {@code defaultValue} when absent. */
    String text(String name, String defaultValue) throws OnnxModelException {
        OnnxAttribute attribute = context.node().attributes().get(name);
        if (attribute == null) {
            return defaultValue;
        }
        if (attribute instanceof OnnxAttribute.StringAttribute value) {
            return value.value();
        }
        throw wrongType(attribute, "STRING");
    }

    /** Whether the node sets the attribute. */
    boolean has(String name) {
        return context.node().attributes().containsKey(name);
    }

    /**
     * An INTS attribute of {@code length} non-negative ints, or {@code defaultValues} when absent.
     */
    int[] ints(String name, int length, int[] defaultValues) throws OnnxModelException {
        OnnxAttribute attribute = context.node().attributes().get(name);
        if (attribute == null) {
            return defaultValues.clone();
        }
        if (!(attribute instanceof OnnxAttribute.IntsAttribute value)) {
            throw wrongType(attribute, "INTS");
        }
        List<Long> values = value.values();
        if (values.size() != length) {
            throw context.unsupported("attribute '" + name + "' is " + values + ": conv4j maps 2-D windows, which need "
                    + length + " values");
        }
        int[] result = new int[length];
        for (int i = 0; i < length; i++) {
            long v = values.get(i);
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw context.malformed("attribute '" + name + "' is " + values + ": value " + v + " is out of range");
            }
            result[i] = (int) v;
        }
        return result;
    }

    /** An INTS attribute as it is, or empty when absent. */
    long[] longs(String name) throws OnnxModelException {
        OnnxAttribute attribute = context.node().attributes().get(name);
        if (attribute == null) {
            return new long[0];
        }
        if (attribute instanceof OnnxAttribute.IntsAttribute value) {
            return value.values().stream().mapToLong(Long::longValue).toArray();
        }
        throw wrongType(attribute, "INTS");
    }

    /** An int attribute that must be one of {@code allowed}, refused otherwise with the ones conv4j maps. */
    long oneOf(String name, long defaultValue, long... allowed) throws OnnxModelException {
        long value = integer(name, defaultValue);
        if (Arrays.stream(allowed).noneMatch(a -> a == value)) {
            throw context.unsupported("attribute '" + name + "' is " + value + ": conv4j maps " + name + " "
                    + Arrays.toString(allowed) + " only");
        }
        return value;
    }

    private MalformedOnnxModelException wrongType(OnnxAttribute attribute, String expected) {
        return context.malformed("attribute '" + attribute.name() + "' is " + attribute.getClass().getSimpleName()
                .replace("Attribute", "").toUpperCase() + ", not " + expected);
    }
}

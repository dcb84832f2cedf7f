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
        return read(name, OnnxAttribute.IntAttribute.class, OnnxAttribute.IntAttribute::value, defaultValue);
    }

    /** A FLOAT attribute, or {@code defaultValue} when absent. */
    float number(String name, float defaultValue) throws OnnxModelException {
        return read(name, OnnxAttribute.FloatAttribute.class, OnnxAttribute.FloatAttribute::value, defaultValue);
    }

    /** A STRING attribute, or {@code defaultValue} when absent. */
    String text(String name, String defaultValue) throws OnnxModelException {
        return read(name, OnnxAttribute.StringAttribute.class, OnnxAttribute.StringAttribute::value, defaultValue);
    }

    /** Whether the node sets the attribute. */
    boolean has(String name) {
        return context.node().attributes().containsKey(name);
    }

    /**
     * An INTS attribute of {@code length} non-negative ints, or {@code defaultValues} when absent.
     */
    int[] ints(String name, int length, int[] defaultValues) throws OnnxModelException {
        return read(name, OnnxAttribute.IntsAttribute.class, value -> windowInts(name, value.values(), length),
                defaultValues.clone());
    }

    /** An INTS attribute as it is, or empty when absent. */
    long[] longs(String name) throws OnnxModelException {
        return read(name, OnnxAttribute.IntsAttribute.class,
                value -> value.values().stream().mapToLong(Long::longValue).toArray(), new long[0]);
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

    /**
     * The attribute {@code name} converted by {@code conversion} when the node sets it as
     * {@code type}, {@code absent} when it leaves it out, refused when it sets another type.
     */
    private <A extends OnnxAttribute, T> T read(String name, Class<A> type, Conversion<A, T> conversion, T absent)
            throws OnnxModelException {
        OnnxAttribute attribute = context.node().attributes().get(name);
        if (attribute == null) {
            return absent;
        }
        if (type.isInstance(attribute)) {
            return conversion.apply(type.cast(attribute));
        }
        throw context.malformed("attribute '" + attribute.name() + "' is " + typeName(attribute.getClass()) + ", not "
                + typeName(type));
    }

    /** The {@code length} values of a 2-D window attribute, each a non-negative int. */
    private int[] windowInts(String name, List<Long> values, int length) throws OnnxModelException {
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

    /** ONNX's name of an attribute type, INTS for IntsAttribute, as the file's AttributeType spells it. */
    private static String typeName(Class<? extends OnnxAttribute> type) {
        return type.getSimpleName().replace("Attribute", "").toUpperCase();
    }

    /** What turns a typed attribute into the value a mapper wants; it may refuse the value. */
    @FunctionalInterface
    private interface Conversion<A extends OnnxAttribute, T> {
        T apply(A attribute) throws OnnxModelException;
    }
}

package io.github.conv4j.onnx;

import io.github.conv4j.nn.Layer;

/**
 * A layer's configuration read from its {@link Layer#spec()} line ({@code Conv2d in=1 out=32
 * kernel=5,5 ...}), the stable form that conv4j's model files store: the exporter needs every
 * option, and the line is where every layer type gives them all. Parsed as the model files read
 * it ({@link io.github.conv4j.io.LayerSpec}, whose messages name the line and the key); what the
 * exporter reads besides: floats parsed as floats, as the layers were made, and pairs as ONNX's ints.
 *
 * @param parsed the line's type and options
 * @param layer the layer, for messages
 */
record LayerSpec(io.github.conv4j.io.LayerSpec parsed, Layer layer) {

    static LayerSpec of(Layer layer) {
        return new LayerSpec(new io.github.conv4j.io.LayerSpec(layer.spec()), layer);
    }

    /** The layer type, such as {@code Conv2d}. */
    String type() {
        return parsed.type();
    }

    String text(String key) {
        return parsed.get(key);
    }

    int integer(String key) {
        return parsed.integer(key);
    }

    float number(String key) {
        return Float.parseFloat(text(key));
    }

    boolean flag(String key) {
        return parsed.bool(key);
    }

    /** An option of two ints, {@code kernel=5,5}, as ONNX's ints. */
    long[] pair(String key) {
        String[] parts = text(key).split(",");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }
}

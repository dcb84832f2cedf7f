package io.github.conv4j.onnx;

import io.github.conv4j.nn.Layer;
import java.util.HashMap;
import java.util.Map;

/**
 * A layer's configuration read from its {@link Layer#spec()} line ({@code Conv2d in=1 out=32
 * kernel=5,5 ...}), the stable form that conv4j's model files store: the exporter needs every
 * option, and the line is where every layer type gives them all.
 *
 * @param type the layer type, such as {@code Conv2d}
 * @param values the options by key
 * @param layer the layer, for messages
 */
record LayerSpec(String type, Map<String, String> values, Layer layer) {

    static LayerSpec of(Layer layer) {
        String[] words = layer.spec().trim().split(" ");
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            values.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        }
        return new LayerSpec(words[0], Map.copyOf(values), layer);
    }

    String text(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalStateException("layer spec '" + layer.spec() + "' has no " + key);
        }
        return value;
    }

    int integer(String key) {
        return Integer.parseInt(text(key));
    }

    float number(String key) {
        return Float.parseFloat(text(key));
    }

    boolean flag(String key) {
        return Boolean.parseBoolean(text(key));
    }

    /** An option of two ints, {@code kernel=5,5}, as ONNX's ints. */
    long[] pair(String key) {
        String[] parts = text(key).split(",");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }
}

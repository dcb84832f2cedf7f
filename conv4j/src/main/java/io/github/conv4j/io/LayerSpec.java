package io.github.conv4j.io;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One parsed layer spec line, {@code Type key=value ...} (see {@code Layer.spec()}): what a factory
 * registered with {@link LayerRegistry} is given to rebuild its layer. Every getter names the line
 * and the key when the value is missing or malformed.
 */
public final class LayerSpec {
    private final String line, type;
    private final Map<String, String> values = new LinkedHashMap<>();

    /** Parses {@code line}; an IllegalArgumentException if a word after the type is not {@code key=value}. */
    public LayerSpec(String line) {
        this.line = line.trim();
        String[] words = this.line.split(" ");
        type = words[0];
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("layer spec '" + line + "': '" + words[i] + "' is not key=value");
            values.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        }
    }

    /** The type name, the first word. */
    public String type() { return type; }

    /** The whole line, trimmed. */
    public String line() { return line; }

    /** True when the line has {@code key}. */
    public boolean has(String key) { return values.containsKey(key); }

    /** The value of {@code key} as written. */
    public String get(String key) {
        String v = values.get(key);
        if (v == null) throw new IllegalArgumentException("layer spec '" + line + "' lacks " + key);
        return v;
    }

    /** The value of {@code key} as an int. */
    public int integer(String key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("layer spec '" + line + "': " + key + " is not an integer");
        }
    }

    /** The value of {@code key} as a double. */
    public double decimal(String key) {
        try {
            return Double.parseDouble(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("layer spec '" + line + "': " + key + " is not a number");
        }
    }

    /** The value of {@code key}, {@code true} or {@code false}. */
    public boolean bool(String key) {
        String v = get(key);
        if (!v.equals("true") && !v.equals("false")) throw new IllegalArgumentException("layer spec '" + line + "': " + key + " is not a boolean");
        return v.equals("true");
    }
}

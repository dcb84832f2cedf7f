package io.github.conv4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One reference case of {@code ../shared/conformance} (format in that folder's README). */
public final class ConformanceCase {
    public record Named(int[] shape, float[] values) {}

    public final String file;
    private final Map<String, int[]> header = new HashMap<>();
    private final Map<String, String> words = new HashMap<>();
    private final Map<String, Named> tensors = new HashMap<>();

    private ConformanceCase(String file) { this.file = file; }

    public static ConformanceCase parse(Path path) throws IOException {
        ConformanceCase c = new ConformanceCase(path.getFileName().toString());
        List<String> lines = Files.readAllLines(path);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] t = line.split(" ");
            if (t[0].equals("tensor")) {
                int[] shape = new int[t.length - 2];
                for (int d = 0; d < shape.length; d++) shape[d] = Integer.parseInt(t[d + 2]);
                String[] v = lines.get(++i).trim().split(" ");
                float[] values = new float[v.length];
                for (int k = 0; k < v.length; k++) values[k] = Float.parseFloat(v[k]);
                long expected = 1;
                for (int d : shape) expected *= d;
                if (expected != values.length)
                    throw new IOException(path + ": tensor " + t[1] + " has " + values.length + " values for shape of " + expected);
                c.tensors.put(t[1], new Named(shape, values));
            } else if (t.length == 2 && !t[1].matches("-?\\d+")) {
                c.words.put(t[0], t[1]);
            } else {
                int[] v = new int[t.length - 1];
                for (int k = 0; k < v.length; k++) v[k] = Integer.parseInt(t[k + 1]);
                c.header.put(t[0], v);
            }
        }
        return c;
    }

    public String op() { return words.get("op"); }
    public String name() { return words.get("name"); }
    public int[] ints(String key) {
        int[] v = header.get(key);
        if (v == null) throw new IllegalArgumentException(file + ": no header " + key);
        return v;
    }
    public int i(String key) { return ints(key)[0]; }
    /** A one-word header value that is not an integer (e.g. {@code function sigmoid}). */
    public String word(String key) {
        String v = words.get(key);
        if (v == null) throw new IllegalArgumentException(file + ": no header " + key);
        return v;
    }
    /** A numeric header value, integer or not (e.g. {@code momentum 0.1}, {@code alpha 0}). */
    public float f(String key) {
        String v = words.get(key);
        return v != null ? Float.parseFloat(v) : i(key);
    }
    /** Whether the header has the key (integer or word valued). */
    public boolean hasHeader(String key) { return header.containsKey(key) || words.containsKey(key); }
    public boolean has(String tensor) { return tensors.containsKey(tensor); }
    /** The names of every tensor in the case. */
    public java.util.Set<String> names() { return java.util.Collections.unmodifiableSet(tensors.keySet()); }
    public float[] t(String name) {
        Named n = tensors.get(name);
        if (n == null) throw new IllegalArgumentException(file + ": no tensor " + name);
        return n.values();
    }
    public int[] shape(String name) { return tensors.get(name).shape(); }
}

package io.github.conv4j.io;

import io.github.conv4j.nn.Add;
import io.github.conv4j.nn.Concat;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.MergeLayer;
import io.github.conv4j.nn.Mul;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The layer types model files can hold beyond conv4j's own single-input layers (which
 * {@link LayerCodec} knows and which take precedence): the merge layers of graphs and the types
 * users register, so that a model using their own layer saves and loads.
 * <pre>{@code
 * LayerRegistry.register("Scale", spec -> new Scale(spec.decimal("factor")));
 * }</pre>
 * A factory turns the {@link LayerSpec} of the layer's {@link Layer#spec()} line back into the
 * layer; the result must give that same line again. Register before loading; registration is
 * process-wide and thread-safe.
 */
public final class LayerRegistry {
    private static final Map<String, Function<LayerSpec, ? extends Layer>> LAYERS = new ConcurrentHashMap<>();
    private static final Map<String, Function<LayerSpec, ? extends MergeLayer>> MERGES = new ConcurrentHashMap<>();

    static {
        MERGES.put("Add", s -> new Add());
        MERGES.put("Concat", s -> new Concat());
        MERGES.put("Mul", s -> new Mul());
    }

    private LayerRegistry() {}

    /** Registers a single-input layer type; an IllegalArgumentException if {@code type} is taken. */
    public static void register(String type, Function<LayerSpec, ? extends Layer> factory) {
        checkType(type);
        if (LAYERS.putIfAbsent(type, Objects.requireNonNull(factory)) != null) throw taken(type);
    }

    /** Registers a merge layer type (several inputs); an IllegalArgumentException if {@code type} is taken. */
    public static void registerMerge(String type, Function<LayerSpec, ? extends MergeLayer> factory) {
        checkType(type);
        if (MERGES.putIfAbsent(type, Objects.requireNonNull(factory)) != null) throw taken(type);
    }

    /** Removes a type registered by {@link #register} or {@link #registerMerge}; true if it was there. */
    public static boolean unregister(String type) {
        if (type.equals("Add") || type.equals("Concat") || type.equals("Mul")) throw new IllegalArgumentException("'" + type + "' is built in");
        return LAYERS.remove(type) != null | MERGES.remove(type) != null;
    }

    private static void checkType(String type) {
        if (type == null || type.isEmpty() || type.chars().anyMatch(c -> Character.isWhitespace(c) || c == '='))
            throw new IllegalArgumentException("layer type '" + type + "' must be one word without '='");
    }

    private static IllegalArgumentException taken(String type) {
        return new IllegalArgumentException("layer type '" + type + "' is already registered");
    }

    /** True when the spec line's type is a merge layer (built in or registered). */
    public static boolean isMerge(String line) { return MERGES.containsKey(new LayerSpec(line).type()); }

    /** The registered single-input layer a spec line describes (what {@link LayerCodec} falls back on). */
    static Layer layer(String line) {
        LayerSpec spec = new LayerSpec(line);
        Function<LayerSpec, ? extends Layer> f = LAYERS.get(spec.type());
        if (f == null) {
            if (MERGES.containsKey(spec.type()))
                throw new IllegalArgumentException("'" + spec.type() + "' is a merge layer of several inputs: it is a node of a graph");
            throw new IllegalArgumentException("unknown layer type '" + spec.type() + "' (a layer type of your own must be registered with LayerRegistry.register)");
        }
        return f.apply(spec);
    }

    /** The merge layer a spec line describes, checked to give the same line back. */
    public static MergeLayer merge(String line) {
        LayerSpec spec = new LayerSpec(line);
        Function<LayerSpec, ? extends MergeLayer> f = MERGES.get(spec.type());
        if (f == null) throw new IllegalArgumentException("unknown merge layer type '" + spec.type() + "'");
        MergeLayer m = f.apply(spec);
        if (!m.spec().equals(spec.line()))
            throw new IllegalArgumentException("layer spec '" + line + "' does not round-trip (read back as '" + m.spec() + "')");
        return m;
    }
}

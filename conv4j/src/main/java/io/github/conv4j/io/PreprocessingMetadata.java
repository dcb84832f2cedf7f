package io.github.conv4j.io;

import io.github.conv4j.data.Preprocessing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that maps a model's {@link Preprocessing} to model-file metadata and back.
 *
 * <p>Keys written (layout version {@value #VERSION}; a reader that meets a higher version refuses it):
 * <pre>
 * preprocessing.version   "1"
 * preprocessing.mean      per-channel means, comma-separated floats ("0.286")
 * preprocessing.std       per-channel standard deviations, comma-separated floats ("0.353")
 * preprocessing.classes   class names in output order, one per line ('\n'-separated)
 * </pre>
 * Pixel values are scaled to [0, 1] before {@code (v − mean) / std}; the input shape is the
 * model file's own input shape. Files written by the command line before conv4j put this in the
 * library carry {@value #LEGACY_MEAN}, {@value #LEGACY_STD} (one channel) and {@value #LEGACY_LABELS}
 * (comma-separated): they are still read.
 */
public final class PreprocessingMetadata {
    /** The layout version of the keys below. */
    public static final int VERSION = 1;
    /** Prefix of every preprocessing key; callers may not use it for their own metadata. */
    public static final String PREFIX = "preprocessing.";
    /** The encoding's version ({@link #VERSION}). */
    public static final String VERSION_KEY = PREFIX + "version";
    /** Per-channel means, comma-separated. */
    public static final String MEAN_KEY = PREFIX + "mean";
    /** Per-channel standard deviations, comma-separated. */
    public static final String STD_KEY = PREFIX + "std";
    /** Class names, one per line. */
    public static final String CLASSES_KEY = PREFIX + "classes";
    /** The mean key {@code conv4j train} wrote before 1.0 (read, never written). */
    public static final String LEGACY_MEAN = "normalization.mean";
    /** The standard-deviation key {@code conv4j train} wrote before 1.0 (read, never written). */
    public static final String LEGACY_STD = "normalization.std";
    /** The class-names key (comma-separated) {@code conv4j train} wrote before 1.0 (read, never written). */
    public static final String LEGACY_LABELS = "labels";

    private PreprocessingMetadata() {}

    /** The metadata entries that describe {@code p}. */
    public static Map<String, String> encode(Preprocessing p) {
        Map<String, String> m = new LinkedHashMap<>();
        float[] mean = new float[p.channels()], std = new float[p.channels()];
        for (int c = 0; c < p.channels(); c++) { mean[c] = p.mean(c); std[c] = p.std(c); }
        m.put(VERSION_KEY, Integer.toString(VERSION));
        m.put(MEAN_KEY, floats(mean));
        m.put(STD_KEY, floats(std));
        m.put(CLASSES_KEY, String.join("\n", p.classNames()));
        return m;
    }

    /** What {@link #decode} found: the preprocessing (null if the file has none) and what is missing from it. */
    public record Decoded(Preprocessing preprocessing, List<String> warnings) {}

    /**
     * The preprocessing described by {@code meta} for a model of {@code channels} input channels
     * and {@code classes} outputs, from the current keys or the legacy ones. A file with neither
     * gives no preprocessing and a warning; legacy keys missing the class names give numbered
     * names and a warning.
     *
     * @throws IllegalArgumentException if the keys are present but malformed or of an unknown version
     */
    public static Decoded decode(Map<String, String> meta, int channels, int classes) {
        if (meta.containsKey(VERSION_KEY)) {
            int version = Integer.parseInt(meta.get(VERSION_KEY));
            if (version > VERSION || version < 1)
                throw new IllegalArgumentException(VERSION_KEY + " " + version + " is not supported (this conv4j reads up to " + VERSION + ")");
            List<String> names = Arrays.asList(required(meta, CLASSES_KEY).split("\n", -1));
            return new Decoded(Preprocessing.perChannel(floats(required(meta, MEAN_KEY)), floats(required(meta, STD_KEY)), names), List.of());
        }
        if (meta.containsKey(LEGACY_MEAN) || meta.containsKey(LEGACY_STD) || meta.containsKey(LEGACY_LABELS)) {
            List<String> warnings = new ArrayList<>();
            float mean = Float.parseFloat(meta.getOrDefault(LEGACY_MEAN, "0")), std = Float.parseFloat(meta.getOrDefault(LEGACY_STD, "1"));
            if (!meta.containsKey(LEGACY_MEAN) || !meta.containsKey(LEGACY_STD))
                warnings.add("the file records only part of its normalisation; the missing mean is taken as 0, the missing std as 1");
            List<String> names;
            if (meta.containsKey(LEGACY_LABELS)) {
                names = Arrays.asList(meta.get(LEGACY_LABELS).split(",", -1));
            } else {
                names = Preprocessing.numberedClasses(classes);
                warnings.add("the file names no classes; they are called 0.." + (classes - 1));
            }
            float[] m = new float[channels], s = new float[channels];
            Arrays.fill(m, mean);
            Arrays.fill(s, std);
            return new Decoded(Preprocessing.perChannel(m, s, names), List.copyOf(warnings));
        }
        return new Decoded(null, List.of("the file records no preprocessing (no normalisation, no class names): it was saved from a model "
                + "not trained with Trainer.fit and given none with Sequential.setPreprocessing; its inputs are taken as scaled to [0, 1] "
                + "without normalisation and its classes are called 0.." + (classes - 1) + ", which may not be how it was trained"));
    }

    private static String required(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) throw new IllegalArgumentException("metadata has " + VERSION_KEY + " but no " + key);
        return v;
    }

    private static String floats(float[] v) {
        StringBuilder b = new StringBuilder();
        for (float f : v) b.append(b.length() == 0 ? "" : ",").append(f);
        return b.toString();
    }

    private static float[] floats(String s) {
        String[] parts = s.split(",", -1);
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) v[i] = Float.parseFloat(parts[i].trim());
        return v;
    }
}

package io.github.conv4j.infer;

/** One ranked class: its index, name and probability. */
public record Prediction(int classIndex, String label, float probability) {
    @Override public String toString() { return String.format("%s (%d) %.2f%%", label, classIndex, 100 * probability); }
}

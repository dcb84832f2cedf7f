package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import java.util.List;

/**
 * Per layer: output shape, parameter count and forward FLOPs for one sample, and totals. Computed
 * from the configuration alone, so even VGG-16 is summarised without allocating its weights.
 */
public record ModelSummary(Shape input, List<Row> rows, long parameters, long flops) {
    /** One layer: its description, per-sample output shape, parameters and FLOPs. */
    public record Row(String layer, Shape output, long parameters, long flops) {}

    /** The summary of these layers over inputs of {@code sampleInput} (checks every shape). */
    public static ModelSummary of(Shape sampleInput, List<Layer> layers) {
        Shape s = sampleInput.prependBatch(1);
        List<Row> rows = new java.util.ArrayList<>();
        long params = 0, flops = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            Shape out;
            try {
                out = l.outputShape(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + ": " + e.getMessage(), e);
            }
            long p = l.parameterShapes().stream().mapToLong(Shape::size).sum();
            long f = l.flops(s.dropBatch());
            rows.add(new Row(l.describe(), out.dropBatch(), p, f));
            params += p;
            flops += f;
            s = out;
        }
        return new ModelSummary(sampleInput, List.copyOf(rows), params, flops);
    }

    @Override public String toString() {
        StringBuilder b = new StringBuilder();
        String format = "%-4s %-44s %-16s %14s %16s%n";
        b.append(String.format(format, "#", "layer", "output", "params", "FLOPs"));
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append(String.format(format, i, r.layer(), r.output(), String.format("%,d", r.parameters()), String.format("%,d", r.flops())));
        }
        b.append(String.format("input %s · total parameters %,d · forward FLOPs per sample %,d%n", input, parameters, flops));
        return b.toString();
    }
}

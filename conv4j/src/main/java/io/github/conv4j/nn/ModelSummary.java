package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Per layer: output shape, parameter count, forward FLOPs, activation memory and receptive field
 * for one sample, and totals. Computed from the configuration alone, so even VGG-16 is summarised without allocating
 * its weights.
 */
public record ModelSummary(Shape input, List<Row> rows, long parameters, long flops) {
    /**
     * One layer: its node name (the index in a {@link Sequential}), its description, the names of
     * its inputs, its per-sample output shape, parameters, FLOPs and receptive field.
     */
    public record Row(String name, String layer, List<String> inputs, Shape output, long parameters, long flops,
                      ReceptiveField receptiveField) {
        /**
         * Bytes of this node's output for one sample (float32): what the forward pass keeps for
         * the backward pass, per image of the batch.
         */
        public long activationBytes() { return output.size() * Float.BYTES; }
    }

    /**
     * Bytes of every node's output for one sample, summed: the activation memory training holds
     * per image of a batch (outputs only; a layer's own saved buffers and workspaces come on top).
     */
    public long activationBytes() { return rows.stream().mapToLong(Row::activationBytes).sum(); }

    /** The summary of a chain of layers over inputs of {@code sampleInput} (checks every shape). */
    public static ModelSummary of(Shape sampleInput, List<Layer> layers) {
        Shape s = sampleInput;
        ReceptiveField rf = ReceptiveField.of(sampleInput);
        List<Row> rows = new ArrayList<>();
        long params = 0, flops = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            Shape out;
            try {
                out = l.outputShape(s.prependBatch(1)).dropBatch();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + ": " + e.getMessage(), e);
            }
            rf = l.receptiveField(s, rf);
            Row r = new Row(Integer.toString(i), l.describe(), List.of(i == 0 ? Node.INPUT : Integer.toString(i - 1)), out,
                    parameters(l), l.flops(s), rf);
            rows.add(r);
            params += r.parameters();
            flops += r.flops();
            s = out;
        }
        return new ModelSummary(sampleInput, List.copyOf(rows), params, flops);
    }

    /**
     * The summary of a graph's nodes in topological order, the input node first (not listed as a
     * row); a merge's receptive field is the largest of its inputs'.
     */
    public static ModelSummary ofGraph(List<Node> nodes) {
        if (nodes.isEmpty() || !nodes.get(0).isInput()) throw new IllegalArgumentException("a graph's nodes start with its input node");
        java.util.Map<Node, ReceptiveField> fields = new java.util.HashMap<>();
        Shape sampleInput = nodes.get(0).sampleOutput();
        fields.put(nodes.get(0), ReceptiveField.of(sampleInput));
        List<Row> rows = new ArrayList<>();
        long params = 0, flops = 0;
        for (Node n : nodes.subList(1, nodes.size())) {
            List<ReceptiveField> in = new ArrayList<>();
            List<Shape> shapes = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Node i : n.inputs()) {
                in.add(fields.get(i));
                shapes.add(i.sampleOutput());
                names.add(i.name());
            }
            ReceptiveField rf = n.layer().map(l -> l.receptiveField(shapes.get(0), in.get(0))).orElseGet(() -> ReceptiveField.max(in));
            fields.put(n, rf);
            long p = n.layer().map(ModelSummary::parameters).orElse(0L);
            long f = n.layer().map(l -> l.flops(shapes.get(0))).orElseGet(() -> n.merge().orElseThrow().flops(shapes));
            rows.add(new Row(n.name(), n.describe(), List.copyOf(names), n.sampleOutput(), p, f, rf));
            params += p;
            flops += f;
        }
        return new ModelSummary(sampleInput, List.copyOf(rows), params, flops);
    }

    /** For example {@code 98.0 KiB}: bytes in binary units, one decimal. */
    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        do { v /= 1024; u++; } while (v >= 1024 && u < units.length - 1);
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static long parameters(Layer l) { return l.parameterShapes().stream().mapToLong(Shape::size).sum(); }

    @Override public String toString() {
        StringBuilder b = new StringBuilder();
        String format = "%-24s %-44s %-16s %14s %16s %14s %-16s %s%n";
        b.append(String.format(format, "name", "layer", "output", "params", "FLOPs", "activations", "receptive field", "inputs"));
        for (Row r : rows)
            b.append(String.format(format, r.name(), r.layer(), r.output(), String.format("%,d", r.parameters()),
                    String.format("%,d", r.flops()), bytes(r.activationBytes()), r.receptiveField(), String.join(", ", r.inputs())));
        b.append(String.format("input %s · total parameters %,d · forward FLOPs per sample %,d · activation memory per sample %s%n",
                input, parameters, flops, bytes(activationBytes())));
        return b.toString();
    }
}

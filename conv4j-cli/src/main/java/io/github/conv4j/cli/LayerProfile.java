package io.github.conv4j.cli;

import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where a training step's time goes: each layer of a model timed on its own (a one-layer model
 * over that layer's input shape, random data, the model's batch), forward and backward, median
 * milliseconds of a few calls. Isolated, so a ReLU the model fuses into its neighbour is timed as
 * a separate pass here, and caches start warm; merge nodes (additions) are not timed.
 */
final class LayerProfile {
    private LayerProfile() {}

    private record Timed(String name, String layer, double forwardMs, double backwardMs) {}

    /** Prints the table and returns one row per layer for the JSON report. */
    static List<Map<String, Object>> print(Model model, int batch, SplittableRandom rng) {
        List<Timed> rows = new ArrayList<>();
        if (model instanceof Graph g) {
            for (Node n : g.nodes()) {
                if (n.layer().isEmpty()) continue;
                Node in = n.inputs().get(0);
                rows.add(time(n.name(), n.layer().get(), in.sampleOutput(), batch, !in.isInput(), rng));
            }
        } else if (model instanceof Sequential s) {
            for (int i = 0; i < s.layers().size(); i++)
                rows.add(time(Integer.toString(i), s.layers().get(i), i == 0 ? s.sampleInput() : s.sampleOutput(i - 1), batch, i > 0, rng));
        }
        double total = 0;
        for (Timed t : rows) total += t.forwardMs() + t.backwardMs();
        System.out.printf("per layer, each timed alone at batch %d (median ms):%n%-24s %-46s %9s %9s %6s%n", batch, "node", "layer", "forward",
                "backward", "share");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Timed t : rows) {
            System.out.printf("%-24s %-46s %9.3f %9.3f %5.1f%%%n", t.name(), t.layer(), t.forwardMs(), t.backwardMs(),
                    100 * (t.forwardMs() + t.backwardMs()) / total);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("layer", t.layer());
            m.put("forward_ms", t.forwardMs());
            m.put("backward_ms", t.backwardMs());
            out.add(m);
        }
        System.out.printf("sum of the layers: %.1f ms a step%n", total);
        return out;
    }

    private static Timed time(String name, Layer layer, Shape sampleInput, int batch, boolean needInputGradient, SplittableRandom rng) {
        try (Sequential one = new Sequential(sampleInput, 1, List.of(layer));
             Tensor x = BenchCommand.random(sampleInput.prependBatch(batch), rng);
             Tensor dy = BenchCommand.random(one.sampleOutput().prependBatch(batch), rng)) {
            double fwd = median(BenchCommand.timeCalls(() -> one.forward(x), 2, 15, 1));
            double bwd = median(BenchCommand.timeCalls(() -> one.backward(dy, needInputGradient), 2, 15, 1));
            return new Timed(name, layer.describe(), fwd, bwd);
        }
    }

    private static double median(double[] ms) {
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}

package io.github.conv4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.BasicBlock;
import io.github.conv4j.nn.Concat;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.LayerContext;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.Op;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.nn.SqueezeExcitation;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.GradientChecker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graphs in model files: nodes, inputs, layer specs and named tensors round-trip; a user's own layer type loads once registered. */
class GraphModelFileTest {
    @TempDir Path tmp;

    static Graph residualNet(long seed) {
        GraphBuilder b = new GraphBuilder(Shape.of(3, 8, 8));
        Node x = b.input();
        Node s = b.add("stem", new Conv2d(3, 4, 3).padding(1), x);
        s = new BasicBlock(4, 8, 2).addTo(b, "layer1.0", s);
        s = new SqueezeExcitation(8, 2, new ReLU()).addTo(b, "se", s);
        Node side = b.add("side", new Conv2d(4, 2, 1).stride(2), b.nodes().get(1));
        s = b.add("cat", new Concat(), s, side);
        s = b.add("flatten", new Flatten(), b.add("pool", new GlobalAvgPool2d(), s));
        return b.build(b.add("fc", new Linear(10, 3), s), seed);
    }

    private static float[] input() { return GradientChecker.uniform(2 * 3 * 64, new SplittableRandom(1)); }

    @Test void aGraphSavesAndLoadsWithItsNodesAndTensors() throws IOException {
        Path file = tmp.resolve("g.c4j");
        float[] expected;
        try (Graph g = residualNet(3); Tensor x = Tensor.of(input(), 2, 3, 8, 8)) {
            g.forward(x);   // a training step moves the running statistics away from 0 and 1
            expected = g.train(false).forward(x).toArray();
            ModelFile.save(file, g, Map.of());
            for (boolean inference : new boolean[] {false, true})
                try (ModelFile.Loaded l = inference ? ModelFile.loadForInference(file) : ModelFile.load(file)) {
                    Graph back = assertInstanceOf(Graph.class, l.model());
                    assertEquals(g.nodes().stream().map(Node::toString).toList(), back.nodes().stream().map(Node::toString).toList());
                    assertEquals(g.summary(), back.summary());
                    assertEquals(g.namedParameters().keySet(), back.namedParameters().keySet());
                    assertEquals(g.namedState().keySet(), back.namedState().keySet());
                    assertArrayEquals(g.namedState().get("layer1.0.bn1.running_mean").toArray(),
                            back.namedState().get("layer1.0.bn1.running_mean").toArray());
                    assertArrayEquals(expected, back.forward(x).toArray());
                    assertEquals(!inference, back.isTrainable());
                    assertThrows(IllegalStateException.class, l::sequential);
                }
        }
    }

    @Test void parametersFollowTorchvisionNames() {
        try (Graph g = residualNet(1)) {
            assertEquals(List.of("stem.weight", "stem.bias", "layer1.0.conv1.weight", "layer1.0.bn1.weight", "layer1.0.bn1.bias",
                    "layer1.0.conv2.weight", "layer1.0.bn2.weight", "layer1.0.bn2.bias", "layer1.0.downsample.0.weight",
                    "layer1.0.downsample.1.weight", "layer1.0.downsample.1.bias", "se.fc1.weight", "se.fc1.bias", "se.fc2.weight",
                    "se.fc2.bias", "side.weight", "side.bias", "fc.weight", "fc.bias"), List.copyOf(g.namedParameters().keySet()));
            assertEquals(List.of("layer1.0.bn1.running_mean", "layer1.0.bn1.running_var", "layer1.0.bn2.running_mean",
                    "layer1.0.bn2.running_var", "layer1.0.downsample.1.running_mean", "layer1.0.downsample.1.running_var"),
                    List.copyOf(g.namedState().keySet()));
            long total = g.namedParameters().values().stream().mapToLong(Tensor::size).sum();
            assertEquals(g.parameterCount(), total, "the names cover the flat buffer");
        }
    }

    /** A layer of the user's own: y = factor · x, computed on the heap (enough for a test). */
    record Scale(float factor) implements Layer {
        @Override public String spec() { return "Scale factor=" + factor; }
        @Override public String describe() { return "Scale(" + factor + ")"; }
        @Override public Shape outputShape(Shape input) { return input; }

        @Override public Op create(LayerContext ctx) {
            return new Op() {
                private Tensor y, dx;

                private Tensor scaled(Tensor in, Tensor out) {
                    if (out == null || !out.shape().equals(in.shape())) {
                        if (out != null) out.close();
                        out = Tensor.zeros(in.shape());
                    }
                    float[] v = in.toArray();
                    for (int i = 0; i < v.length; i++) v[i] *= factor;
                    out.copyFrom(v);
                    return out;
                }

                @Override public Tensor forward(Tensor x, boolean training) { return y = scaled(x, y); }
                @Override public Tensor backward(Tensor dy, boolean need) { return need ? dx = scaled(dy, dx) : null; }
                @Override public void close() { if (y != null) y.close(); if (dx != null) dx.close(); }
            };
        }
    }

    @Test void aRegisteredLayerTypeSavesAndLoadsInGraphsAndChains() throws IOException {
        Path graphFile = tmp.resolve("custom-graph.c4j"), chainFile = tmp.resolve("custom-chain.c4j");
        GraphBuilder b = new GraphBuilder(Shape.of(4));
        Node h = b.add("scale", new Scale(2.5f), b.add("fc1", new Linear(4, 4), b.input()));
        try (Graph g = b.build(b.add("fc2", new Linear(4, 2), h), 5); Sequential s = new Sequential(Shape.of(4), new Scale(0.5f), new Linear(4, 2));
             Tensor x = Tensor.of(new float[] {1, -2, 3, 0.5f}, 1, 4)) {
            ModelFile.save(graphFile, g, Map.of());
            ModelFile.save(chainFile, s, Map.of());
            IOException unknown = assertThrows(IOException.class, () -> ModelFile.load(graphFile));
            assertTrue(unknown.getMessage().contains("unknown layer type 'Scale'"), unknown.getMessage());
            LayerRegistry.register("Scale", spec -> new Scale((float) spec.decimal("factor")));
            try (ModelFile.Loaded lg = ModelFile.load(graphFile); ModelFile.Loaded ls = ModelFile.load(chainFile)) {
                assertArrayEquals(g.train(false).forward(x).toArray(), lg.model().forward(x).toArray());
                assertArrayEquals(s.train(false).forward(x).toArray(), ls.model().forward(x).toArray());
            } finally {
                LayerRegistry.unregister("Scale");
            }
            assertThrows(IllegalArgumentException.class, () -> LayerRegistry.registerMerge("Add", spec -> new io.github.conv4j.nn.Add()));
        }
    }

    @Test void aChainFileIsStillASequential() throws IOException {
        Path file = tmp.resolve("chain.c4j");
        try (Sequential s = new Sequential(Shape.of(4), new Linear(4, 2))) {
            ModelFile.save(file, s, Map.of(ModelFile.KIND_KEY, ModelFile.GRAPH));   // a user's stray key does not make it a graph
        }
        try (ModelFile.Loaded l = ModelFile.load(file)) {
            Model m = l.model();
            assertInstanceOf(Sequential.class, m);
            assertFalse(l.metadata().containsKey(ModelFile.KIND_KEY));
            assertEquals(List.of("0.weight", "0.bias"), List.copyOf(m.namedParameters().keySet()));
        }
    }
}

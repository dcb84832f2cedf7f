package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.ExportGraph.ints;

import io.github.conv4j.tensor.Shape;
import java.util.List;

/**
 * ShuffleNet's channel layers as PyTorch writes them at opset 13, so that the importer maps them
 * back ({@link ChannelShufflePattern}, {@link ChannelMappers}): ChannelShuffle → Reshape to
 * [0, g, C/g, H, W], Transpose perm [0, 2, 1, 3, 4], Reshape to [0, C, H, W]; ChannelSlice → a
 * Slice of axis 1 with constant starts, ends, axes and steps. The shapes' batch is 0, which a
 * Reshape reads as the input's own, so that the file runs at any batch size.
 */
final class ChannelExports {
    private ChannelExports() {
    }

    static void shuffle(ExportedLayer layer, ExportGraph graph) {
        Shape input = layer.input();
        int groups = layer.spec().integer("groups");
        long[] grouped = new long[input.rank() + 2];
        long[] joined = new long[input.rank() + 1];
        long[] perm = new long[grouped.length];
        grouped[1] = groups;
        grouped[2] = input.dim(0) / groups;
        joined[1] = input.dim(0);
        for (int axis = 1; axis < input.rank(); axis++) {
            grouped[axis + 2] = input.dim(axis);
            joined[axis + 1] = input.dim(axis);
        }
        for (int axis = 0; axis < perm.length; axis++) {
            perm[axis] = axis == 1 ? 2 : axis == 2 ? 1 : axis;
        }
        graph.node("Reshape", List.of(graph.int64s("grouped_shape", grouped)));
        graph.node("Transpose", List.of(), ints("perm", perm));
        graph.node("Reshape", List.of(graph.int64s("shape", joined)));
    }

    static void slice(ExportedLayer layer, ExportGraph graph) {
        graph.node("Slice", List.of(graph.int64s("starts", layer.spec().integer("start")),
                graph.int64s("ends", layer.spec().integer("end")), graph.int64s("axes", 1), graph.int64s("steps", 1)));
    }
}

package io.github.conv4j.onnx;

import io.github.conv4j.nn.ChannelShuffle;
import io.github.conv4j.nn.ChannelSlice;
import io.github.conv4j.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The ops that take channels apart or reorder them, as ShuffleNetV2 exports them: a Slice of the
 * channel axis ({@code x.chunk(2, dim=1)} in opset 13) → {@link ChannelSlice}; a Split of the
 * channel axis → one {@link ChannelSlice} per output; the channel shuffle that
 * {@link ChannelShufflePattern} recognises → {@link ChannelShuffle}. A Transpose outside that
 * pattern is refused: conv4j's tensors keep N×C×H×W.
 */
final class ChannelMappers {
    private static final String SHUFFLE = "Reshape to [N, g, C/g, H, W], Transpose perm [0, 2, 1, 3, 4], Reshape to "
            + "[N, C, H, W]";

    private ChannelMappers() {
    }

    /** A Slice of constant start and end along axis 1 with step 1 (inputs data, starts, ends, axes, steps). */
    static List<MappedLayer> slice(NodeContext context) throws OnnxModelException {
        long start = single(context, context.constantInput(1, "starts"), "starts");
        long end = single(context, context.constantInput(2, "ends"), "ends");
        Optional<OnnxTensor> axes = context.optionalConstantInput(3, "axes");
        Optional<OnnxTensor> steps = context.optionalConstantInput(4, "steps");
        long axis = axes.isPresent() ? single(context, axes.get(), "axes") : 0;
        long step = steps.isPresent() ? single(context, steps.get(), "steps") : 1;
        requireChannelAxis(context, axis);
        if (step != 1) {
            throw context.unsupported("step " + step + " ('" + context.node().inputs().get(4) + "'): conv4j's "
                    + "ChannelSlice takes consecutive channels (step 1)");
        }
        long channels = context.input().dim(0);
        // The specification's clamping for step 1: a negative index counts from the end, then [0, C].
        long from = clamp(start < 0 ? start + channels : start, channels);
        long to = clamp(end < 0 ? end + channels : end, channels);
        if (to <= from) {
            throw context.unsupported("starts " + start + " and ends " + end + " take no channel of "
                    + NodeContext.withBatch(context.input()) + ": conv4j has no empty tensors");
        }
        return List.of(MappedLayer.of(new ChannelSlice((int) from, (int) to)));
    }

    /** A Split in a chain: only its first output can be read there (a second one branches), so its slice. */
    static List<MappedLayer> split(NodeContext context) throws OnnxModelException {
        return List.of(MappedLayer.of(splitSlices(context).get(0)));
    }

    /**
     * The slice of each output of a Split along axis 1: its sizes from the {@code split} input
     * (opset 13) or attribute (opset 11), or equal parts of the channels when absent.
     */
    static List<ChannelSlice> splitSlices(NodeContext context) throws OnnxModelException {
        requireChannelAxis(context, context.attributes().integer("axis", 0));
        int outputs = context.node().outputs().size();
        long channels = context.input().dim(0);
        long[] sizes;
        if (context.opset() >= 13) {
            Optional<OnnxTensor> split = context.optionalConstantInput(1, "split");
            sizes = split.isPresent() ? int64(context, split.get(), "split") : new long[0];
        } else {
            sizes = context.attributes().longs("split");
        }
        if (sizes.length == 0) {
            if (channels % outputs != 0) {
                throw context.unsupported("it splits the " + channels + " channels of " + NodeContext.withBatch(
                        context.input()) + " into " + outputs + " outputs, which is no equal split");
            }
            sizes = new long[outputs];
            Arrays.fill(sizes, channels / outputs);
        }
        if (sizes.length != outputs || Arrays.stream(sizes).anyMatch(s -> s < 1 || s > channels)
                || Arrays.stream(sizes).sum() != channels) {
            throw context.malformed("split " + Arrays.toString(sizes) + " does not divide the " + channels
                    + " channels of " + NodeContext.withBatch(context.input()) + " into its " + outputs + " outputs");
        }
        List<ChannelSlice> slices = new ArrayList<>();
        int start = 0;
        for (long size : sizes) {
            slices.add(new ChannelSlice(start, start + (int) size));
            start += (int) size;
        }
        return slices;
    }

    /**
     * The node {@link ChannelShufflePattern} made of a channel shuffle, reading x, the grouped
     * shape [N, g, C/g, H, W] and the joined shape [N, C, H, W] (C or -1; N as 0, -1 or the
     * declared batch), with its Transpose's perm: a {@link ChannelShuffle} of g groups when the
     * shapes fit the input; a perm of another length than the grouped shape is no valid file's.
     */
    static List<MappedLayer> channelShuffle(NodeContext context) throws OnnxModelException {
        long[] grouped = int64(context, context.constantInput(1, "shape"), "shape");
        long[] joined = int64(context, context.constantInput(2, "shape"), "shape");
        long[] perm = context.attributes().longs("perm");
        if (perm.length != grouped.length) {
            throw context.malformed("its Transpose has perm " + Arrays.toString(perm) + " for the grouped shape "
                    + Arrays.toString(grouped) + " of rank " + grouped.length + ": a perm names every axis once");
        }
        Shape input = context.input();
        long channels = input.dim(0);
        int rank = input.rank() + 1;
        boolean fits = grouped.length == rank + 1 && joined.length == rank
                && grouped[1] >= 1 && grouped[2] >= 1 && channels % grouped[1] == 0 && grouped[2] == channels / grouped[1]
                && keepsBatch(context, grouped[0]) && keepsBatch(context, joined[0])
                && (joined[1] == channels || (joined[1] == -1 && joined[0] != -1));
        for (int axis = 1; fits && axis < input.rank(); axis++) {
            fits = grouped[axis + 2] == input.dim(axis) && joined[axis + 1] == input.dim(axis);
        }
        if (!fits) {
            throw context.unsupported("reshapes " + NodeContext.withBatch(input) + " to " + Arrays.toString(grouped)
                    + ", transposes and reshapes to " + Arrays.toString(joined) + ": conv4j maps " + SHUFFLE
                    + " (a ChannelShuffle of g groups)");
        }
        return List.of(MappedLayer.of(new ChannelShuffle((int) grouped[1])));
    }

    /** A Transpose that no channel shuffle pattern took: refused, naming the pattern conv4j maps. */
    static List<MappedLayer> transpose(NodeContext context) throws OnnxModelException {
        throw context.unsupported("perm " + Arrays.toString(context.attributes().longs("perm")) + " on "
                + NodeContext.withBatch(context.input()) + ": conv4j keeps N×C×H×W and maps a Transpose only inside "
                + "ShuffleNet's channel shuffle, " + SHUFFLE + ", each value read by the next node alone");
    }

    /** A Reshape's batch entry: 0 (copy the input's), -1 (the rest being exact) or the declared batch size. */
    private static boolean keepsBatch(NodeContext context, long batch) {
        return batch == 0 || batch == -1 || (context.declaredBatch().isPresent()
                && batch == context.declaredBatch().getAsLong());
    }

    private static void requireChannelAxis(NodeContext context, long axis) throws UnsupportedOnnxModelException {
        int rank = context.input().rank() + 1;
        if ((axis < 0 ? axis + rank : axis) != 1) {
            throw context.unsupported("it cuts along axis " + axis + " of " + NodeContext.withBatch(context.input())
                    + ": conv4j maps " + context.node().opType() + " along the channels (axis 1) only");
        }
    }

    private static long clamp(long index, long channels) {
        return Math.max(0, Math.min(channels, index));
    }

    private static long[] int64(NodeContext context, OnnxTensor tensor, String role) throws MalformedOnnxModelException {
        if (tensor.dataType() != OnnxDataType.INT64) {
            throw context.malformed(role + " '" + tensor.name() + "' is " + tensor.dataType() + ", not INT64");
        }
        return tensor.longs();
    }

    /** The one value of a Slice's starts, ends, axes or steps: conv4j slices one axis. */
    private static long single(NodeContext context, OnnxTensor tensor, String role) throws OnnxModelException {
        long[] values = int64(context, tensor, role);
        if (values.length != 1) {
            throw context.unsupported(role + " '" + tensor.name() + "' is " + Arrays.toString(values) + ": conv4j maps a "
                    + "Slice of one axis, the channels");
        }
        return values[0];
    }
}

package io.github.conv4j.onnx;

import io.github.conv4j.nn.Dropout;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.Identity;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The nodes that move values without computing: Flatten at axis 1 and a Reshape to [N, -1]
 * (PyTorch's {@code x.view(x.size(0), -1)}, folded to a constant shape by {@link OnnxModel#read})
 * → {@link Flatten}; Dropout → {@link Dropout} of its ratio, the identity in evaluation; a Pad
 * that pads nothing → {@link Identity}.
 */
final class ShapeMappers {
    /** Dropout's default ratio. */
    private static final float DEFAULT_RATIO = 0.5f;

    private ShapeMappers() {
    }

    static List<MappedLayer> flatten(NodeContext context) throws OnnxModelException {
        int rank = context.input().rank() + 1;
        long axis = context.attributes().integer("axis", 1);
        if ((axis < 0 ? axis + rank : axis) != 1) {
            throw context.unsupported("attribute 'axis' is " + axis + " on input " + NodeContext.withBatch(context.input())
                    + ": conv4j flattens at axis 1, to N×features");
        }
        return List.of(MappedLayer.of(new Flatten()));
    }

    /**
     * A Reshape whose constant shape keeps the batch (0, -1 with the features given, or the
     * declared batch size) and joins the rest (-1 or their product).
     */
    static List<MappedLayer> reshape(NodeContext context) throws OnnxModelException {
        OnnxTensor shape = context.constantInput(1, "shape");
        if (shape.dataType() != OnnxDataType.INT64) {
            throw context.malformed("shape '" + shape.name() + "' is " + shape.dataType() + ", not INT64");
        }
        long[] target = shape.longs();
        long features = context.input().size();
        boolean allowZero = context.attributes().integer("allowzero", 0) == 1;
        if (target.length == 2) {
            boolean featuresJoined = target[1] == -1 || target[1] == features;
            boolean batchKept = (target[0] == 0 && !allowZero)
                    || (target[0] == -1 && target[1] == features)
                    || (context.declaredBatch().isPresent() && target[0] == context.declaredBatch().getAsLong());
            if (featuresJoined && batchKept) {
                return List.of(MappedLayer.of(new Flatten()));
            }
        }
        throw context.unsupported("reshapes " + NodeContext.withBatch(context.input()) + " to " + Arrays.toString(target)
                + ": conv4j maps a Reshape to [N, -1] (a Flatten), and one to [N, g, C/g, H, W] only as the start of a "
                + "channel shuffle (Reshape, Transpose perm [0, 2, 1, 3, 4], Reshape)");
    }

    /** Dropout of the constant ratio (an input since opset 12, an attribute before). */
    static List<MappedLayer> dropout(NodeContext context) throws OnnxModelException {
        Optional<OnnxTensor> ratioInput = context.optionalConstantInput(1, "ratio");
        float ratio = ratioInput.isPresent() ? context.scalar(ratioInput.get(), "ratio")
                : context.attributes().number("ratio", DEFAULT_RATIO);
        if (!(ratio >= 0f && ratio < 1f)) {
            throw context.unsupported("ratio " + ratio + ": conv4j's Dropout drops with a probability in [0, 1)");
        }
        return List.of(MappedLayer.of(new Dropout(ratio)));
    }

    /**
     * A Pad of zero pads (inputs data, pads, optional constant value since opset 11): PyTorch
     * writes one before the AveragePool of every DenseNet transition. conv4j has no padding layer,
     * so a Pad that pads (or crops) anything is refused.
     */
    static List<MappedLayer> pad(NodeContext context) throws OnnxModelException {
        OnnxTensor pads = context.constantInput(1, "pads");
        if (pads.dataType() != OnnxDataType.INT64) {
            throw context.malformed("pads '" + pads.name() + "' is " + pads.dataType() + ", not INT64");
        }
        long[] amounts = pads.longs();
        int rank = context.input().rank() + 1;
        if (amounts.length != 2 * rank) {
            throw context.malformed("pads '" + pads.name() + "' has " + amounts.length + " values but its input "
                    + NodeContext.withBatch(context.input()) + " needs " + 2 * rank + " (a begin and an end per axis)");
        }
        if (Arrays.stream(amounts).anyMatch(a -> a != 0)) {
            throw context.unsupported("pads " + Arrays.toString(amounts) + ": conv4j has no padding layer and maps a "
                    + "Pad only when it pads nothing (pad inside the Conv or pooling instead)");
        }
        return List.of(MappedLayer.of(new Identity()));
    }
}

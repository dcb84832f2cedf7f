package io.github.conv4j.onnx;

import io.github.conv4j.nn.PaddingMode;
import java.util.Arrays;

/**
 * The padding of a convolution or pooling window, from ONNX's {@code pads} (top, left, bottom,
 * right) or {@code auto_pad}, as conv4j's: symmetric padding under {@link PaddingMode#TRUNCATE},
 * or {@link PaddingMode#SAME} (TensorFlow's, the extra row and column at the bottom and right),
 * which is what asymmetric pads usually are and what SAME_UPPER always is. Other asymmetric pads
 * have no conv4j equivalent and are refused.
 *
 * @param height the top and bottom padding
 * @param width the left and right padding
 * @param mode how the output size rounds
 */
record WindowPadding(int height, int width, PaddingMode mode) {

    /**
     * The padding of the node in {@code context}, for its window of {@code kernel} rows and
     * columns moved by {@code stride} with {@code dilation}, over the node's C×H×W input.
     */
    static WindowPadding of(NodeContext context, int[] kernel, int[] stride, int[] dilation) throws OnnxModelException {
        // SAME's pads divide by the stride: a window of no size, step or spacing is no valid file's.
        requirePositive(context, "kernel_shape", kernel);
        requirePositive(context, "strides", stride);
        requirePositive(context, "dilations", dilation);
        int[] size = {context.input().dim(1), context.input().dim(2)};
        String autoPad = context.attributes().text("auto_pad", "NOTSET");
        switch (autoPad) {
            case "NOTSET" -> {
                int[] pads = context.attributes().ints("pads", 4, new int[4]);
                if (pads[0] == pads[2] && pads[1] == pads[3]) {
                    return new WindowPadding(pads[0], pads[1], PaddingMode.TRUNCATE);
                }
                int[] same = samePads(size, kernel, stride, dilation, true);
                if (Arrays.equals(pads, same)) {
                    return new WindowPadding(0, 0, PaddingMode.SAME);
                }
                throw context.unsupported("pads " + Arrays.toString(pads) + " (top, left, bottom, right) are asymmetric "
                        + "and not the SAME padding " + Arrays.toString(same) + " of its " + size[0] + "×" + size[1]
                        + " input: conv4j pads symmetrically or as SAME");
            }
            case "VALID" -> {
                return new WindowPadding(0, 0, PaddingMode.TRUNCATE);
            }
            case "SAME_UPPER" -> {
                return new WindowPadding(0, 0, PaddingMode.SAME);
            }
            case "SAME_LOWER" -> {
                // SAME_LOWER puts the odd row at the top; it is conv4j's SAME only when no row is odd.
                if (Arrays.equals(samePads(size, kernel, stride, dilation, false),
                        samePads(size, kernel, stride, dilation, true))) {
                    return new WindowPadding(0, 0, PaddingMode.SAME);
                }
                throw context.unsupported("auto_pad SAME_LOWER pads " + Arrays.toString(samePads(size, kernel, stride,
                        dilation, false)) + " for its " + size[0] + "×" + size[1] + " input, the extra row or column "
                        + "at the top or left: conv4j's SAME puts it at the bottom and right");
            }
            default -> throw context.malformed("attribute 'auto_pad' is '" + autoPad + "', not NOTSET, VALID, SAME_UPPER "
                    + "or SAME_LOWER");
        }
    }

    private static void requirePositive(NodeContext context, String attribute, int[] values)
            throws MalformedOnnxModelException {
        if (Arrays.stream(values).anyMatch(v -> v < 1)) {
            throw context.malformed("attribute '" + attribute + "' is " + Arrays.toString(values) + ": a window's size, "
                    + "strides and dilations are positive");
        }
    }

    /** The pads (top, left, bottom, right) that SAME_UPPER ({@code upper}) or SAME_LOWER puts around the input. */
    private static int[] samePads(int[] size, int[] kernel, int[] stride, int[] dilation, boolean upper) {
        int[] pads = new int[4];
        for (int axis = 0; axis < 2; axis++) {
            long out = (size[axis] + (long) stride[axis] - 1) / stride[axis];
            long extent = (long) dilation[axis] * (kernel[axis] - 1) + 1;
            int total = (int) Math.max((out - 1) * stride[axis] + extent - size[axis], 0);
            int small = total / 2;
            pads[axis] = upper ? small : total - small;
            pads[axis + 2] = total - pads[axis];
        }
        return pads;
    }
}

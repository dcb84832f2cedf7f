package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import java.util.List;

/**
 * The receptive field of one output position, along the two image axes: its {@code size} (how many
 * input pixels it sees), its {@code jump} (how far apart in the input two neighbouring output
 * positions are) and the {@code grid} of output positions there are. A window of kernel k, stride
 * s and dilation d grows it by d·(k−1) jumps: {@code size' = size + d·(k−1)·jump},
 * {@code jump' = jump·s}; so two 3×3 convolutions see 5×5, and a 2×2 max pooling between
 * them makes it 3 + 1 + 2·2 = 8 (the pooling doubles the jump of everything after it).
 */
public record ReceptiveField(long sizeH, long sizeW, long jumpH, long jumpW, int gridH, int gridW) {

    /** The model's input: every pixel sees itself (size 1, jump 1) on the input's own grid. */
    public static ReceptiveField of(Shape sampleInput) {
        return sampleInput.rank() == 3 ? new ReceptiveField(1, 1, 1, 1, sampleInput.dim(1), sampleInput.dim(2))
                : new ReceptiveField(1, 1, 1, 1, 1, 1);
    }

    /** After a window of kernel kh×kw, stride sh×sw and dilation dh×dw producing an outH×outW grid. */
    public ReceptiveField window(int kh, int kw, int sh, int sw, int dh, int dw, int outH, int outW) {
        return new ReceptiveField(sizeH + (long) dh * (kh - 1) * jumpH, sizeW + (long) dw * (kw - 1) * jumpW,
                jumpH * sh, jumpW * sw, outH, outW);
    }

    /** After a layer that sees every position of its input at once (global pooling, a fully connected layer). */
    public ReceptiveField whole() { return window(gridH, gridW, gridH, gridW, 1, 1, 1, 1); }

    /** What a merge of these inputs sees: the largest field and jump along each axis. */
    public static ReceptiveField max(List<ReceptiveField> inputs) {
        ReceptiveField r = inputs.get(0);
        for (ReceptiveField f : inputs)
            r = new ReceptiveField(Math.max(r.sizeH, f.sizeH), Math.max(r.sizeW, f.sizeW), Math.max(r.jumpH, f.jumpH),
                    Math.max(r.jumpW, f.jumpW), Math.min(r.gridH, f.gridH), Math.min(r.gridW, f.gridW));
        return r;
    }

    /** E.g. {@code 8×8 /2×2}: size, then jump. */
    @Override public String toString() { return sizeH + "×" + sizeW + " /" + jumpH + "×" + jumpW; }
}

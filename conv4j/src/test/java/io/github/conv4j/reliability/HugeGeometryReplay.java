package io.github.conv4j.reliability;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.nn.AvgPool2d;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.PaddingMode;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.Reference;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Builds and runs layers of random, hostile geometry — strides, paddings, dilations and pooling
 * kernels of 2^16 to 2^31−1 on inputs of a few pixels — forward and backward, on both kernel
 * paths. Run in a child JVM by {@link HugeGeometryTest}: a native crash kills only the child.
 * Each case must be refused with an {@link IllegalArgumentException} (or an
 * {@link OutOfMemoryError} from an allocation above JavaCPP's limit), or run and give finite
 * results that match the double-precision reference where that is small enough to compute.
 *
 * <p>{@code java ... HugeGeometryReplay SEED COUNT} prints one line per case (so that a crash
 * names the case it died in) and a final {@code huge geometries: ...} tally.
 */
public final class HugeGeometryReplay {
    private final SplittableRandom rng;
    private int ran, refused, outOfMemory, checked;
    private double smallShare;

    private HugeGeometryReplay(long seed) { rng = new SplittableRandom(seed); }

    public static void main(String[] args) {
        long seed = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        HugeGeometryReplay replay = new HugeGeometryReplay(seed);
        boolean fastAvailable = Conv4jNative.fastKernels() == 1;
        for (int i = 0; i < count; i++) replay.oneCase(i, fastAvailable);
        System.out.printf("huge geometries: %d cases, %d ran, %d reference-checked, %d refused, %d out of memory%n",
                count, replay.ran, replay.checked, replay.refused, replay.outOfMemory);
    }

    /**
     * A small value (smallMin–3) with this case's probability smallShare, else a huge one: uniform
     * in [2^16, 2^31−1], a power of two, or one next to it. Cases with many small values mostly
     * run (and are checked against the reference); cases with few are mostly refused.
     */
    private int value(int smallMin) {
        if (rng.nextDouble() < smallShare) return smallMin + rng.nextInt(4 - smallMin);
        return switch (rng.nextInt(3)) {
            case 0 -> 65536 + rng.nextInt(Integer.MAX_VALUE - 65536);
            case 1 -> 1 << rng.nextInt(16, 31);
            default -> (int) Math.min(Integer.MAX_VALUE, (1L << rng.nextInt(16, 32)) + rng.nextInt(-1, 2));
        };
    }

    private Layer layer(int channels) {
        int kind = rng.nextInt(4) / 2 == 0 ? 0 : rng.nextInt(1, 3);   // half convolutions, the rest poolings
        PaddingMode mode = rng.nextInt(5) == 0 ? PaddingMode.SAME : PaddingMode.TRUNCATE;
        int sh = value(1), sw = value(1);
        int ph = mode == PaddingMode.SAME ? 0 : value(0), pw = mode == PaddingMode.SAME ? 0 : value(0);
        if (kind == 0)
            return new Conv2d(channels, 1 + rng.nextInt(3), 1 + rng.nextInt(3), 1 + rng.nextInt(3)).stride(sh, sw)
                    .padding(ph, pw).dilation(value(1), value(1)).mode(mode);
        // pooling pads at most half its kernel: a huge padding comes with a huge kernel
        int kh = rng.nextBoolean() ? value(1) : (int) Math.min(Integer.MAX_VALUE, 2L * ph + rng.nextInt(3));
        int kw = rng.nextBoolean() ? value(1) : (int) Math.min(Integer.MAX_VALUE, 2L * pw + rng.nextInt(3));
        kh = Math.max(1, kh);
        kw = Math.max(1, kw);
        ph = Math.min(ph, kh / 2);
        pw = Math.min(pw, kw / 2);
        boolean ceil = rng.nextBoolean();
        if (kind == 1) return new MaxPool2d(kh, kw).stride(sh, sw).padding(ph, pw).dilation(value(1)).ceilMode(ceil).mode(mode);
        return new AvgPool2d(kh, kw).stride(sh, sw).padding(ph, pw).ceilMode(ceil).mode(mode).countIncludePad(rng.nextBoolean());
    }

    private void oneCase(int index, boolean fastAvailable) {
        smallShare = 0.25 * rng.nextInt(1, 4);
        int n = 1 + rng.nextInt(2), c = 1 + rng.nextInt(3), h = 1 + rng.nextInt(5), w = 1 + rng.nextInt(5);
        Layer layer = layer(c);
        boolean fast = fastAvailable && rng.nextBoolean();
        System.out.println("case " + index + ": input " + n + "x" + c + "x" + h + "x" + w + ", " + (fast ? "fast" : "portable") + ", "
                + layer.spec());
        System.out.flush();
        Conv4jNative.setFastKernels(fast ? 1 : 0);
        float[] x = random(n * c * h * w);
        try (Sequential m = new Sequential(Shape.of(c, h, w), index, List.of(layer)); Tensor xt = Tensor.of(x, n, c, h, w)) {
            Tensor y = m.forward(xt);
            float[] dy = random(Math.toIntExact(y.size()));
            float[] out = y.toArray();
            float[] dx;
            try (Tensor dyt = Tensor.of(dy, y.shape().dims())) {
                dx = m.backward(dyt, true).toArray();
            }
            if (layer instanceof MaxPool2d) requireInputValues(out, x, layer);
            else requireFinite(out, "output", layer);
            requireFinite(dx, "input gradient", layer);
            requireFinite(m.gradients() == null ? new float[0] : m.gradients().toArray(), "parameter gradient", layer);
            if (layer instanceof Conv2d conv && conv.spec().contains("mode=TRUNCATE")) compareWithReference(m, conv, n, c, h, w, x, dy, out, dx);
            ran++;
        } catch (IllegalArgumentException e) {
            refused++;
        } catch (OutOfMemoryError e) {
            outOfMemory++;
        } finally {
            Conv4jNative.setFastKernels(fastAvailable ? 1 : 0);
        }
    }

    private void compareWithReference(Sequential m, Conv2d conv, int n, int c, int h, int w, float[] x, float[] dy, float[] y, float[] dx) {
        String[] words = conv.spec().split(" ");
        int[] k = pair(words, "kernel"), s = pair(words, "stride"), p = pair(words, "padding"), d = pair(words, "dilation");
        Reference.Conv g = new Reference.Conv(n, c, h, w, conv.outChannels(), k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], 1);
        if ((long) y.length * c * k[0] * k[1] > 20_000_000) return;   // the reference's loops would take too long
        List<Tensor> params = m.parameters(0);
        double[][] ref = Reference.conv(g, x, params.get(0).toArray(), params.get(1).toArray(), dy);
        // float sums of up to n·P·Q terms (huge paddings make long output planes) against doubles
        double terms = Math.max((double) c * k[0] * k[1], (double) y.length / conv.outChannels());
        double tolerance = 1e-4 + 1e-5 * Math.sqrt(terms);
        near(ref[0], y, "output", conv, tolerance);
        near(ref[1], dx, "input gradient", conv, tolerance);
        List<Tensor> grads = m.gradients(0);
        near(ref[2], grads.get(0).toArray(), "weight gradient", conv, tolerance);
        near(ref[3], grads.get(1).toArray(), "bias gradient", conv, tolerance);
        checked++;
    }

    private static int[] pair(String[] words, String key) {
        for (String word : words)
            if (word.startsWith(key + "=")) {
                String[] v = word.substring(key.length() + 1).split(",");
                return new int[] {Integer.parseInt(v[0]), Integer.parseInt(v[1])};
            }
        throw new AssertionError("spec lacks " + key);
    }

    private static void near(double[] expected, float[] actual, String what, Layer layer, double tolerance) {
        if (expected.length != actual.length) throw new AssertionError(layer.spec() + ": " + what + " has " + actual.length + " values, expected " + expected.length);
        for (int i = 0; i < actual.length; i++)
            if (Math.abs(expected[i] - actual[i]) > tolerance * Math.max(1, Math.abs(expected[i])))
                throw new AssertionError(layer.spec() + ": " + what + "[" + i + "] = " + actual[i] + ", reference " + expected[i]);
    }

    /** A max pooling output is one of its window's inputs, or −∞ for a window wholly in the padding (as PyTorch). */
    private static void requireInputValues(float[] y, float[] x, Layer layer) {
        Set<Float> inputs = new HashSet<>();
        for (float v : x) inputs.add(v);
        for (int i = 0; i < y.length; i++)
            if (y[i] != Float.NEGATIVE_INFINITY && !inputs.contains(y[i]))
                throw new AssertionError(layer.spec() + ": output[" + i + "] = " + y[i] + " is no input value");
    }

    private static void requireFinite(float[] v, String what, Layer layer) {
        for (int i = 0; i < v.length; i++)
            if (!Float.isFinite(v[i])) throw new AssertionError(layer.spec() + ": " + what + "[" + i + "] = " + v[i]);
    }

    private float[] random(int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) (rng.nextDouble() * 2 - 1);
        return v;
    }
}

package io.github.conv4j.bench;

import io.github.conv4j.nn.KernelChooser;
import io.github.conv4j.nn.KernelChooser.Choice;
import io.github.conv4j.nn.KernelChooser.Mode;
import io.github.conv4j.nn.Parallelism;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;

/**
 * What {@code -Dconv4j.kernels=auto} chooses for {@link ConvBenchmark}'s shapes, with the trial
 * timings behind each choice, then forward+backward per mode (auto, fast, portable; the median of
 * a few steps, not JMH's rigour) to check that the choice pays. Usage: {@code KernelChoicesMain [THREADS]}
 * (default 2), batch policy.
 */
public final class KernelChoicesMain {
    private static final int STEPS = 7;

    private KernelChoicesMain() {}

    /** Prints one table row per shape. */
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Parallelism.configure(threads, Parallelism.Mode.BATCH);
        System.out.printf("%-28s %-24s %-32s %-32s %9s %9s %9s%n", "shape N,C,H,W,K,R,S,stride,pad", "kernels fwd/dW/dX",
                "trial fast us fwd/dW/dX", "trial portable us fwd/dW/dX", "auto ms", "fast ms", "port. ms");
        for (String shape : ConvBenchmark.SHAPES) {
            KernelChooser.useMode(Mode.AUTO);
            double auto = step(shape);
            Choice c = KernelChooser.shared().choices().values().iterator().next();
            KernelChooser.useMode(Mode.FAST);
            double fast = step(shape);
            KernelChooser.useMode(Mode.PORTABLE);
            double portable = step(shape);
            System.out.printf("%-28s %-24s %-32s %-32s %9.2f %9.2f %9.2f%n", shape, c.describe(), c.fastMicros(),
                    c.portableMicros(), auto, fast, portable);
        }
        KernelChooser.useMode(Mode.AUTO);
    }

    /** Median milliseconds of one forward+backward of the shape (the first step, which chooses, untimed). */
    private static double step(String shape) {
        int[] s = ConvBenchmark.parse(shape);
        Shape in = Shape.of(s[0], s[1], s[2], s[3]);
        try (Sequential model = new Sequential(in.dropBatch(), 1, List.of(ConvBenchmark.conv(s)));
             Tensor x = ConvBenchmark.random(in);
             Tensor dy = ConvBenchmark.random(model.sampleOutput().prependBatch(s[0]))) {
            double[] ms = new double[STEPS];
            for (int i = -1; i < STEPS; i++) {
                long t0 = System.nanoTime();
                model.forward(x);
                model.backward(dy, true);
                if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            java.util.Arrays.sort(ms);
            return ms[STEPS / 2];
        }
    }
}

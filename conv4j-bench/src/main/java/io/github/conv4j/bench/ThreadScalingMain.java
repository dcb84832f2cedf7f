package io.github.conv4j.bench;

import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.Parallelism;
import io.github.conv4j.optim.Sgd;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.zoo.Zoo;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The 1→N thread speed-up of a zoo model's training step (the bench command's step: zeroGrad,
 * forward, loss, backward, SGD with momentum), measured in one process: one model, trained in
 * alternating blocks of steps on 1 and on N threads, each step timed on its own. Separate
 * {@code conv4j bench} processes of the same code differ by ±10 % at two threads on this shared
 * VM, four times the effects looked for here; alternating blocks within one process see the same
 * machine state for both counts. Prints medians and means of the step times per count, their
 * ratios, and the median of the per-block-pair ratios of means (what a throughput run measures).
 * Usage: {@code ThreadScalingMain [MODEL [BATCH [BLOCKS [STEPS [THREADS]]]]]} (default reference 64 20 20 2).
 */
public final class ThreadScalingMain {
    private ThreadScalingMain() {}

    /** Runs the alternation and prints the summary. */
    public static void main(String[] args) {
        String name = Zoo.canonicalName(args.length > 0 ? args[0] : "reference");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int blocks = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        // Built at N threads, so the workspace is sized for N workers; at 1 thread they use one.
        Parallelism.configure(threads, Parallelism.Mode.BATCH);
        Shape input = Zoo.naturalInput(name);
        SplittableRandom rng = new SplittableRandom(1);
        try (Model net = Zoo.create(name, input, Zoo.naturalClasses(name), 42);
             Sgd sgd = new SgdConfig().learningRate(0.01).momentum(0.9).create(net);
             SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
             Tensor x = gaussian(input.prependBatch(batch), rng);
             IntTensor labels = new IntTensor(batch)) {
            int classes = net.sampleOutput().dim(0);
            for (int i = 0; i < batch; i++) labels.set(i, rng.nextInt(classes));
            Runnable step = () -> {
                net.zeroGrad();
                loss.forward(net.forward(x), labels);
                net.backward(loss.gradient());
                sgd.step();
            };
            double[][] micros = {new double[blocks * steps], new double[blocks * steps]};
            double[] blockRatio = new double[blocks];
            for (int b = 0; b < blocks; b++) {
                double[] blockMean = new double[2];
                for (int side = 0; side < 2; side++) {
                    // Alternate which count goes first, so neither always follows the other.
                    int which = (b % 2 == 0) ? side : 1 - side;
                    Parallelism.configure(which == 0 ? 1 : threads, Parallelism.Mode.BATCH);
                    for (int i = 0; i < 5; i++) step.run();   // the new pool's workers up, the chunk's kernel choice made
                    double sum = 0;
                    for (int i = 0; i < steps; i++) {
                        long t0 = System.nanoTime();
                        step.run();
                        double us = (System.nanoTime() - t0) / 1e3;
                        micros[which][b * steps + i] = us;
                        sum += us;
                    }
                    blockMean[which] = sum / steps;
                }
                blockRatio[b] = blockMean[0] / blockMean[1];
            }
            double med1 = median(micros[0]), medN = median(micros[1]), mean1 = mean(micros[0]), meanN = mean(micros[1]);
            System.out.printf("%s batch %d, %d blocks of %d steps per count%n", name, batch, blocks, steps);
            System.out.printf("1 thread : median %.0f us, mean %.0f us; %s%n", med1, mean1, spread(micros[0]));
            System.out.printf("%d threads: median %.0f us, mean %.0f us; %s%n", threads, medN, meanN, spread(micros[1]));
            Arrays.sort(blockRatio);
            System.out.printf("ratio of medians %.3f, of means %.3f; per block pair (means): median %.3f (%.3f-%.3f)%n", med1 / medN,
                    mean1 / meanN, median(blockRatio), blockRatio[0], blockRatio[blocks - 1]);
        }
    }

    /** Standard normal values, as the bench command's synthetic batch. */
    private static Tensor gaussian(Shape s, SplittableRandom rng) {
        Tensor t = Tensor.zeros(s);
        t.fill(rng::nextGaussian);
        return t;
    }

    /** Percentiles of the step times: how much of the mean is a tail of slow steps. */
    private static String spread(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return String.format("p10 %.0f, p90 %.0f, p99 %.0f, max %.0f us", s[s.length / 10], s[s.length * 9 / 10], s[s.length * 99 / 100],
                s[s.length - 1]);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double d : v) sum += d;
        return sum / v.length;
    }
}

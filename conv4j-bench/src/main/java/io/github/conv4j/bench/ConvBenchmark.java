package io.github.conv4j.bench;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.KernelChooser;
import io.github.conv4j.nn.Parallelism;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Conv2d forward and forward+backward on the shapes of issue 2 (N,C,H,W,K,R,S,stride,pad), and
 * the cblas_sgemm 2048³ product as the machine's peak. {@link ConvBenchmarkMain} turns the times
 * into GFLOP/s and ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConvBenchmark {
    public static final String[] SHAPES = {
        "64,1,28,28,32,5,5,1,2", "64,32,14,14,64,5,5,1,2", "16,3,224,224,64,11,11,4,2",
        "16,192,13,13,384,3,3,1,1", "16,64,56,56,64,3,3,1,1", "32,128,28,28,128,3,3,1,1"};

    @Param({"64,1,28,28,32,5,5,1,2", "64,32,14,14,64,5,5,1,2", "16,3,224,224,64,11,11,4,2",
            "16,192,13,13,384,3,3,1,1", "16,64,56,56,64,3,3,1,1", "32,128,28,28,128,3,3,1,1"})
    public String shape;

    @Param({"2"})
    public int threads;

    /** Parallelism policy: batch (split the batch, single-threaded GEMM) or blas (threaded GEMM). */
    @Param({"batch"})
    public String parallel;

    /**
     * auto (each product on the path timed fastest, nn.KernelChooser), fast (conv4j's AVX2/FMA
     * kernels where the CPU has them) or portable (plain C + OpenBLAS).
     */
    @Param({"fast"})
    public String kernels;

    private Sequential model;
    private Tensor x, dy;

    /** Multiply-adds × 2 of one forward pass of the shape. */
    public static double forwardFlops(String shape) {
        int[] s = parse(shape);
        Conv2d c = conv(s);
        Shape out = c.outputShape(Shape.of(s[0], s[1], s[2], s[3]));
        return 2.0 * out.size() * s[1] * s[5] * s[6];
    }

    static int[] parse(String shape) {
        String[] p = shape.split(",");
        int[] v = new int[p.length];
        for (int i = 0; i < p.length; i++) v[i] = Integer.parseInt(p[i].trim());
        return v;
    }

    static Conv2d conv(int[] s) { return new Conv2d(s[1], s[4], s[5], s[6]).stride(s[7]).padding(s[8]); }

    @Setup public void setup() {
        Parallelism.configure(threads, Parallelism.Mode.valueOf(parallel.toUpperCase()));
        KernelChooser.useMode(KernelChooser.Mode.of(kernels));   // rejects anything but auto, fast, portable
        Conv4jNative.setFastKernels(kernels.equals("portable") ? 0 : 1);
        int[] s = parse(shape);
        Shape in = Shape.of(s[0], s[1], s[2], s[3]);
        model = new Sequential(in.dropBatch(), 1, List.of(conv(s)));
        x = random(in);
        dy = random(model.sampleOutput().prependBatch(s[0]));
    }

    static Tensor random(Shape s) {
        SplittableRandom rng = new SplittableRandom(3);
        float[] v = new float[(int) s.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextDouble() - 0.5);
        return Tensor.of(v, s.dims());
    }

    @TearDown public void tearDown() {
        model.close();
        x.close();
        dy.close();
    }

    @Benchmark public Tensor forward() { return model.forward(x); }

    /** Forward, weight and bias gradients, and the input gradient (3× the forward FLOPs). */
    @Benchmark public Tensor forwardBackward() {
        model.forward(x);
        return model.backward(dy, true);
    }
}

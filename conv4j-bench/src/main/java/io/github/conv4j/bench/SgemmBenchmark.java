package io.github.conv4j.bench;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
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

/** cblas_sgemm on an n³ product of off-heap matrices: the peak our convolutions are measured against. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SgemmBenchmark {
    @Param({"2048"}) public int n;
    @Param({"2"}) public int threads;

    private Tensor a, b, c;

    @Setup public void setup() {
        Conv4jNative.setNumThreads(threads);
        a = ConvBenchmark.random(Shape.of(n, n));
        b = ConvBenchmark.random(Shape.of(n, n));
        c = Tensor.zeros(n, n);
    }

    @TearDown public void tearDown() { a.close(); b.close(); c.close(); }

    @Benchmark public Tensor sgemm() {
        Conv4jNative.sgemm(0, 0, n, n, n, 1f, a.pointer(), n, b.pointer(), n, 0f, c.pointer(), n);
        return c;
    }
}

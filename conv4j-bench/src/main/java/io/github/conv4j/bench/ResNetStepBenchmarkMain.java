package io.github.conv4j.bench;

import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link ResNetStepBenchmark} in three JVMs per configuration and prints images/s, the median
 * of the three processes and their range (on a shared machine one process says little).
 * Arguments: the benchmarks to run as a regular expression (default: both); {@code -Dfuse=true,false},
 * {@code -Dfrozen=none,lastBlock}, {@code -Dthreads} and {@code -Dbatch} choose the parameters,
 * {@code -Dforks} the processes.
 */
public final class ResNetStepBenchmarkMain {
    public static void main(String[] args) throws RunnerException {
        String include = ResNetStepBenchmark.class.getName() + "." + (args.length > 0 ? args[0] : ".*");
        int batch = Integer.getInteger("batch", 128);
        Options opt = new OptionsBuilder().include(include)
                .param("fuse", System.getProperty("fuse", "true,false").split(","))
                .param("frozen", System.getProperty("frozen", "none").split(","))
                .param("threads", System.getProperty("threads", "2")).param("batch", Integer.toString(batch))
                .forks(Integer.getInteger("forks", 3)).warmupIterations(3).warmupTime(TimeValue.seconds(2))
                .measurementIterations(4).measurementTime(TimeValue.seconds(2)).jvmArgsAppend("-Xmx2g").build();
        System.out.printf("%n%-14s %-6s %-10s %12s %22s%n", "benchmark", "fuse", "frozen", "images/s", "range of the processes");
        for (RunResult r : new Runner(opt).run()) {
            List<Double> perProcess = new ArrayList<>();
            for (BenchmarkResult b : r.getBenchmarkResults()) perProcess.add(batch * 1000.0 / b.getPrimaryResult().getScore());
            perProcess.sort(null);
            String name = r.getParams().getBenchmark();
            System.out.printf("%-14s %-6s %-10s %12.1f %10.1f–%.1f%n", name.substring(name.lastIndexOf('.') + 1), r.getParams().getParam("fuse"),
                    r.getParams().getParam("frozen"),
                    perProcess.get(perProcess.size() / 2), perProcess.get(0), perProcess.get(perProcess.size() - 1));
        }
    }
}

package io.github.conv4j.cli;

import io.github.conv4j.data.BatchConfig;
import io.github.conv4j.data.Batches;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.train.Evaluation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true, description = "Test accuracy of a saved model.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Model file.") Path modelFile;
    @Spec CommandSpec spec;
    @Option(names = "--data", description = "Folder of IDX files (default: the shipped sample).") Path data;
    @Option(names = "--parallel", defaultValue = "batch",
            description = "batch (split batches over cores, single-threaded GEMM) or blas (multi-threaded GEMM) (default: ${DEFAULT-VALUE}).")
    String parallel;
    @Option(names = "--threads", defaultValue = "0", description = "Threads, 0 = all cores (default: ${DEFAULT-VALUE}).") int threads;

    @Override public Integer call() throws Exception {
        Flags.notNegative(spec, "--threads", threads);
        Common.threads(threads, parallel);
        Dataset test = Dataset.load(Common.dataDir(data), "t10k", 10);
        try (ModelFile.Loaded loaded = ModelFile.loadForInference(modelFile)) {
            var model = loaded.model();
            loaded.warnings().forEach(w -> System.err.println("warning: " + w));
            Normalization norm = model.preprocessing().map(p -> p.normalization()).orElse(Normalization.NONE);
            try (Batches b = new BatchConfig().batchSize(256).normalization(norm).create(test)) {
                Evaluation e = Evaluation.of(model, b);
                System.out.printf("%s: test loss %.4f, accuracy %.2f%% on %,d images%n", modelFile, e.loss(), 100 * e.accuracy(), e.examples());
            }
        }
        return 0;
    }
}

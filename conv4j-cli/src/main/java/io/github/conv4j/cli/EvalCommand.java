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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "eval", mixinStandardHelpOptions = true, description = "Test accuracy of a saved model.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Model file.") Path modelFile;
    @Option(names = "--data", description = "Folder of IDX files. Default: the shipped sample.") Path data;
    @Option(names = "--parallel", defaultValue = "batch", description = "batch (split batches over cores, single-threaded GEMM) or blas (multi-threaded GEMM).")
    String parallel;
    @Option(names = "--threads", defaultValue = "0") int threads;

    @Override public Integer call() throws Exception {
        Common.threads(threads, parallel);
        Dataset test = Dataset.load(Common.dataDir(data), "t10k", 10);
        try (ModelFile.Loaded loaded = ModelFile.loadForInference(modelFile)) {
            var model = loaded.model();
            loaded.warnings().forEach(w -> System.err.println("warning: " + w));
            Normalization norm = model.preprocessing().map(p -> p.channel(0)).orElse(Normalization.NONE);
            try (Batches b = new BatchConfig().batchSize(256).normalization(norm).create(test)) {
                Evaluation e = Evaluation.of(model, b);
                System.out.printf("%s: test loss %.4f, accuracy %.2f%% on %,d images%n", modelFile, e.loss(), 100 * e.accuracy(), e.examples());
            }
        }
        return 0;
    }
}

package io.github.conv4j.cli;

import io.github.conv4j.infer.Classifier;
import io.github.conv4j.infer.Prediction;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true, description = "Classify images (PNG, 28×28 grey for Fashion-MNIST models).")
final class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Model file.") Path modelFile;
    @Parameters(index = "1..*", arity = "1..*", description = "Image files.") List<Path> images;
    @Option(names = "--top", defaultValue = "3") int top;

    @Override public Integer call() throws Exception {
        try (Classifier c = Classifier.load(modelFile)) {
            c.warnings().forEach(w -> System.err.println("warning: " + w));
            for (Path p : images) {
                List<Prediction> preds = c.predict(p, Math.min(top, c.labels().size()));
                System.out.println(p + ": " + preds);
            }
        }
        return 0;
    }
}

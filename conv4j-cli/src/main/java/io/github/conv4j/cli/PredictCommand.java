package io.github.conv4j.cli;

import io.github.conv4j.infer.Classifier;
import io.github.conv4j.infer.Prediction;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "predict", mixinStandardHelpOptions = true, description = "Classify images (PNG, 28×28 grey for Fashion-MNIST models).")
final class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Model file.") Path modelFile;
    @Parameters(index = "1..*", arity = "1..*", description = "Image files.") List<Path> images;
    @Spec CommandSpec spec;
    @Option(names = "--top", defaultValue = "3", description = "How many of the most probable classes to print (default: ${DEFAULT-VALUE}).")
    int top;

    @Override public Integer call() throws Exception {
        Flags.positive(spec, "--top", top);
        try (Classifier c = Classifier.load(modelFile)) {
            c.warnings().forEach(w -> System.err.println("warning: " + w));
            for (Path p : images) System.out.println(p + ": " + predict(c, p));
        }
        return 0;
    }

    /** The top classes of one image file; every failure names the file. */
    /** The classifier's top predictions for one image file; its errors name the file. */
    private List<Prediction> predict(Classifier c, Path p) throws java.io.IOException {
        return c.predict(p, Math.min(top, c.labels().size()));
    }
}

package io.github.conv4j.cli;

import io.github.conv4j.data.DataFormat;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.data.Split;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.train.Evaluation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true, description = "Test accuracy of a saved model.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Model file.") Path modelFile;
    @Spec CommandSpec spec;
    @Option(names = "--data", description = "Folder of IDX files, CIFAR binary batches, NPY arrays or an image folder (its test/ or val/ "
            + "images resized to the model's input) (default: the shipped sample).") Path data;
    @Mixin ThreadOptions threading;

    @Override public Integer call() throws Exception {
        threading.check(spec);
        threading.configure();
        Path dir = Common.dataDir(data);
        DataFormat format = DataFormat.detect(dir);
        try (ModelFile.Loaded loaded = ModelFile.loadForInference(modelFile)) {
            var model = loaded.model();
            loaded.warnings().forEach(w -> System.err.println("warning: " + w));
            var input = model.sampleInput();   // an image folder is read at the model's size and channels
            Dataset test = format.read(dir, Split.TEST, input.dim(input.rank() - 1), input.rank() == 3 ? input.dim(0) : 0);
            System.out.printf("data: %s, %,d test images, %s, %d classes%n", format.describe(dir), test.size(), test.describeShape(), test.classes());
            Normalization norm = model.preprocessing().map(p -> p.normalization()).orElse(Normalization.NONE);
            Evaluation e = Evaluation.of(model, test, norm);
            System.out.printf("%s: test loss %.4f, accuracy %.2f%% on %,d images%n", modelFile, e.loss(), 100 * e.accuracy(), e.examples());
        }
        return 0;
    }
}

package io.github.conv4j.cli;

import io.github.conv4j.infer.Classifier;
import io.github.conv4j.infer.Prediction;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
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
            for (Path p : images) System.out.println(p + ": " + predict(c, p));
        }
        return 0;
    }

    /** The top classes of one image file; every failure names the file. */
    private List<Prediction> predict(Classifier c, Path p) throws IOException {
        if (!Files.isRegularFile(p)) throw new IOException(p + ": no such image file");
        BufferedImage img;
        try {
            img = ImageIO.read(p.toFile());
        } catch (IOException e) {
            throw new IOException(p + ": unreadable image (" + e.getMessage() + ")", e);
        }
        if (img == null) throw new IOException(p + ": not an image format Java can read (PNG, JPEG, GIF, BMP)");
        try {
            return c.predict(img, Math.min(top, c.labels().size()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
        }
    }
}

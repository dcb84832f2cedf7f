package example;

import io.github.conv4j.infer.Classifier;
import io.github.conv4j.infer.Prediction;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Classifies images with a conv4j model file: {@code Classify MODEL IMAGE...}. */
public final class Classify {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Classify MODEL.c4j IMAGE.png...");
            System.exit(2);
        }
        try (Classifier classifier = Classifier.load(Path.of(args[0]))) {
            for (int i = 1; i < args.length; i++) {
                BufferedImage image = ImageIO.read(Path.of(args[i]).toFile());
                if (image == null) throw new IllegalArgumentException(args[i] + " is not a readable image");
                Prediction best = classifier.predict(image, 3).get(0);
                System.out.println(args[i] + ": " + best + "  (top 3: " + classifier.predict(image, 3) + ")");
            }
        }
    }
}

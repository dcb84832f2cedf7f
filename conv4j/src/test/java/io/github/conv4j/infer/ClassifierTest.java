package io.github.conv4j.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.Normalization;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.io.PreprocessingMetadata;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.zoo.Zoo;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierTest {
    @TempDir Path tmp;

    private Path model() throws Exception {
        Path file = tmp.resolve("lenet.c4j");
        Zoo.Architecture a = Zoo.lenet5();
        try (Sequential m = new Sequential(a.input(), 5, a.layers())) {
            ModelFile.save(file, m, Map.of(PreprocessingMetadata.LEGACY_MEAN, "0.286", PreprocessingMetadata.LEGACY_STD, "0.353",
                    PreprocessingMetadata.LEGACY_LABELS, "a,b,c,d,e,f,g,h,i,j"));
        }
        return file;
    }

    private static float[][] images(int n) {
        SplittableRandom rng = new SplittableRandom(8);
        float[][] x = new float[n][784];
        for (float[] im : x) for (int i = 0; i < im.length; i++) im[i] = (float) rng.nextDouble();
        return x;
    }

    @Test void topKIsSortedAndSumsBelowOne() throws Exception {
        try (Classifier c = Classifier.load(model())) {
            List<Prediction> p = c.predict(images(1)[0], 10);
            assertEquals(10, p.size());
            double sum = 0;
            for (int i = 0; i < p.size(); i++) {
                sum += p.get(i).probability();
                if (i > 0) assertTrue(p.get(i - 1).probability() >= p.get(i).probability());
            }
            assertEquals(1.0, sum, 1e-5);
            assertEquals("abcdefghij".charAt(p.get(0).classIndex()) + "", p.get(0).label());
        }
    }

    @Test void eightThreadsGiveExactlyTheSingleThreadedResults() throws Exception {
        float[][] x = images(64);
        try (Classifier c = Classifier.load(model())) {
            List<List<Prediction>> expected = new ArrayList<>();
            for (float[] im : x) expected.add(c.predict(im, 3));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++)
                    results.add(pool.submit(() -> {
                        for (int rep = 0; rep < 20; rep++)
                            for (int i = 0; i < x.length; i++)
                                if (!c.predict(x[i], 3).equals(expected.get(i))) return false;
                        return true;
                    }));
                for (Future<Boolean> f : results) assertTrue(f.get());
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test void wrongImageSizeAndBadValues() throws Exception {
        try (Classifier c = Classifier.load(model())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.predict(new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY), 1));
            assertTrue(e.getMessage().contains("28×28") && e.getMessage().contains("32×32"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.predict(new float[10], 1));
            float[] nan = new float[784];
            nan[3] = Float.NaN;
            assertThrows(IllegalArgumentException.class, () -> c.predict(nan, 1));
            assertEquals(1, c.predict(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), 1).size());
        }
    }

    @Test void inMemoryModel() {
        Zoo.Architecture a = Zoo.lenet5();
        try (Sequential m = new Sequential(a.input(), 5, a.layers());
             Classifier c = Classifier.of(m, Normalization.NONE, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))) {
            assertEquals(2, c.predict(images(1)[0], 2).size());
        }
    }
}

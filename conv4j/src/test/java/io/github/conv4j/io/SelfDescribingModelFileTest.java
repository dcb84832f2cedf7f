package io.github.conv4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.Normalization;
import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model file stores the model's preprocessing, reads old CLI files, warns when it has none; inference loading is lean. */
class SelfDescribingModelFileTest {
    @TempDir Path tmp;
    static final List<String> NAMES = List.of("a", "b/c", "d e", "f", "g", "h", "i", "j", "k", "l,m");

    private static Sequential lenet() {
        Zoo.Architecture a = Zoo.lenet5();
        return new Sequential(a.input(), 3, a.layers());
    }

    @Test void preprocessingRoundTripsWithoutWarnings() throws IOException {
        Path file = tmp.resolve("m.c4j");
        Preprocessing p = Preprocessing.of(Normalization.FASHION_MNIST, 1, NAMES);
        try (Sequential m = lenet()) {
            ModelFile.save(file, m.setPreprocessing(p), Map.of());
        }
        try (ModelFile.Loaded l = ModelFile.load(file)) {
            assertEquals(p, l.model().preprocessing().orElseThrow());
            assertEquals(List.of(), l.warnings());
            assertEquals("1", l.metadata().get(PreprocessingMetadata.VERSION_KEY));
        }
    }

    @Test void aFileWithoutPreprocessingLoadsWithAWarningNamingIt() throws IOException {
        Path file = tmp.resolve("bare.c4j");
        try (Sequential m = lenet()) {
            ModelFile.save(file, m, Map.of());
        }
        try (ModelFile.Loaded l = ModelFile.loadForInference(file)) {
            assertTrue(l.model().preprocessing().isEmpty());
            assertEquals(1, l.warnings().size());
            assertTrue(l.warnings().get(0).startsWith(file.toString()) && l.warnings().get(0).contains("no preprocessing"), l.warnings().get(0));
        }
    }

    @Test void filesOfTheOldCommandLineKeepTheirNormalisationAndLabels() throws IOException {
        Path file = tmp.resolve("old.c4j");
        try (Sequential m = lenet()) {
            ModelFile.save(file, m, Map.of("normalization.mean", "0.286", "normalization.std", "0.353", "labels", "a,b,c,d,e,f,g,h,i,j"));
        }
        try (ModelFile.Loaded l = ModelFile.loadForInference(file)) {
            Preprocessing p = l.model().preprocessing().orElseThrow();
            assertEquals(new Normalization(0.286f, 0.353f), p.channel(0));
            assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), p.classNames());
            assertEquals(List.of(), l.warnings());
        }
    }

    @Test void theLibrarysKeysAreReservedAndBadOnesAreAClearError() throws IOException {
        Path file = tmp.resolve("x.c4j");
        try (Sequential m = lenet()) {
            assertThrows(IllegalArgumentException.class, () -> ModelFile.save(file, m, Map.of("preprocessing.mean", "1")));
            m.setPreprocessing(Preprocessing.of(Normalization.NONE, 1, NAMES));
            ModelFile.save(file, m, Map.of());
            assertThrows(IllegalArgumentException.class, () -> m.setPreprocessing(Preprocessing.of(Normalization.NONE, 3, NAMES)));
            assertThrows(IllegalArgumentException.class, () -> m.setPreprocessing(Preprocessing.of(Normalization.NONE, 1, List.of("a"))));
        }
        Path bad = tmp.resolve("bad.c4j");
        try (ModelFile.Loaded l = ModelFile.load(file)) {
            Map<String, String> meta = new java.util.LinkedHashMap<>(l.metadata());
            meta.keySet().removeIf(k -> k.startsWith(PreprocessingMetadata.PREFIX) || k.equals(ModelFile.SEED_KEY));
            meta.put("normalization.std", "-1");   // a legacy key with a bad value
            ModelFile.save(bad, l.model().setPreprocessing(null), meta);
        }
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(bad).close());
        assertTrue(e.getMessage().contains("preprocessing") && e.getMessage().contains(bad.toString()), e.getMessage());
    }

    @Test void inferenceLoadingAllocatesNoGradientsAndPredictsTheSame() throws IOException {
        Path file = tmp.resolve("vgg-ish.c4j");
        Zoo.Architecture a = Zoo.lenet5();
        long paramBytes;
        try (Sequential m = new Sequential(a.input(), 7, a.layers())) {
            ModelFile.save(file, m, Map.of());
            paramBytes = m.parameterCount() * Float.BYTES;
        }
        float[] x = new float[784];
        for (int i = 0; i < x.length; i++) x[i] = (i % 29) / 29f;
        long before = Tensor.liveBytes();
        long trainable, inference;
        float[] yTrain, yInfer;
        try (ModelFile.Loaded l = ModelFile.load(file); Tensor in = Tensor.of(x, 1, 1, 28, 28)) {
            trainable = Tensor.liveBytes() - before;
            yTrain = l.model().forward(in).toArray();
        }
        try (ModelFile.Loaded l = ModelFile.loadForInference(file); Tensor in = Tensor.of(x, 1, 1, 28, 28)) {
            inference = Tensor.liveBytes() - before;
            assertFalse(l.model().isTrainable());
            assertThrows(IllegalStateException.class, () -> l.model().gradients());
            yInfer = l.model().forward(in).toArray();
        }
        assertEquals(before, Tensor.liveBytes(), "everything freed");
        // At least the gradient buffer; the convolutions' per-worker gradient shards come on top.
        assertTrue(trainable - inference >= paramBytes, "trainable " + trainable + " B, inference-only " + inference + " B, parameters " + paramBytes + " B");
        System.out.printf("LeNet-5 load: trainable %,d B, inference-only %,d B off-heap (parameters %,d B)%n", trainable, inference, paramBytes);
        assertArrayEquals(yTrain, yInfer);
    }
}

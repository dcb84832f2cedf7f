package io.github.conv4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.PaddingMode;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir Path tmp;

    private static List<Layer> layers() {
        return List.of(new Conv2d(1, 4, 3).padding(1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2).ceilMode(true),
                new Conv2d(4, 4, 3).mode(PaddingMode.SAME).groups(2).bias(false), new Flatten(), new Linear(64, 5));
    }

    private static float[] predict(Sequential m, Tensor x) { return m.train(false).forward(x).toArray(); }

    @Test void roundTripGivesIdenticalPredictions() throws IOException {
        Path file = tmp.resolve("m.c4j");
        float[] v = new float[2 * 49];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        try (Sequential m = new Sequential(Shape.of(1, 7, 7), 7, layers()); Tensor x = Tensor.of(v, 2, 1, 7, 7)) {
            m.forward(x); // a training-mode pass moves BatchNorm's running statistics: they must be saved too
            float[] before = predict(m, x);
            ModelFile.save(file, m, Map.of("note", "täst"));
            try (ModelFile.Loaded l = ModelFile.load(file); Sequential back = l.sequential()) {
                assertEquals("täst", l.metadata().get("note"));
                assertArrayEquals(before, predict(back, x));
                assertArrayEquals(m.parameters().toArray(), back.parameters().toArray());
            }
        }
        assertFalse(Files.exists(tmp.resolve("m.c4j" + ModelFile.TEMP_SUFFIX)), "no temporary file left");
    }

    @Test void everyZooModelSpecRoundTrips() {
        for (String name : Zoo.NAMES)
            for (Layer l : Zoo.byName(name).layers()) assertEquals(l.spec(), LayerCodec.parse(l.spec()).spec());
    }

    private Path saved() throws IOException {
        Path file = tmp.resolve("m.c4j");
        try (Sequential m = new Sequential(Shape.of(1, 7, 7), 7, layers())) {
            ModelFile.save(file, m, Map.of());
        }
        return file;
    }

    private static void fails(Path file, String mention) {
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(file).close());
        assertTrue(e.getMessage().contains(mention), e.getMessage());
    }

    @Test void flippedByteIsAChecksumError() throws IOException {
        Path file = saved();
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 0x10;
        Files.write(file, b);
        fails(file, "checksum mismatch");
    }

    @Test void truncatedFile() throws IOException {
        Path file = saved();
        byte[] b = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(b, b.length - 100));
        fails(file, "truncated");
    }

    @Test void foreignFileAndNewerVersion() throws IOException {
        Path foreign = tmp.resolve("x.png");
        Files.write(foreign, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        fails(foreign, "not a conv4j model file");
        Path file = saved();
        byte[] b = Files.readAllBytes(file);
        b[11] = 9;
        Files.write(file, b);
        fails(file, "format version 9 is not supported");
        fails(tmp.resolve("missing.c4j"), "no such model file");
    }

    @Test void saveReplacesAtomicallyAndCleansALeftoverTemp() throws IOException {
        Path file = saved();
        Files.writeString(tmp.resolve("m.c4j" + ModelFile.TEMP_SUFFIX), "half-written");
        assertTrue(ModelFile.removeLeftover(file));
        assertFalse(ModelFile.removeLeftover(file));
        ModelFile.load(file).model().close();
    }
}

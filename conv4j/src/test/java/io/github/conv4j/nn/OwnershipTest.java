package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.Normalization;
import io.github.conv4j.infer.Classifier;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every close() frees exactly what its object owns; what a model lends cannot be closed by the borrower. */
class OwnershipTest {
    @TempDir Path tmp;

    private static Sequential lenet() {
        Zoo.Architecture a = Zoo.lenet5();
        return new Sequential(a.input(), 11, a.layers());
    }

    /** A LeNet-5 saved to {@code fileName} in the temporary folder, closed before the test counts its tensors. */
    private Path savedLenet(String fileName) throws IOException {
        Path file = tmp.resolve(fileName);
        try (Sequential m = lenet()) {
            ModelFile.save(file, m, Map.of());
        }
        return file;
    }

    private static float[] image() {
        float[] x = new float[784];
        for (int i = 0; i < x.length; i++) x[i] = (i * 7 % 31) / 31f;
        return x;
    }

    @Test void closingABorrowedTensorThrowsAndTheModelStillWorks() {
        long start = Tensor.liveCount();
        try (Sequential m = lenet(); Tensor x = Tensor.of(image(), 1, 1, 28, 28)) {
            m.train(false);
            Tensor y = m.forward(x);
            float[] first = y.toArray();
            IllegalStateException e = assertThrows(IllegalStateException.class, y::close);
            assertTrue(e.getMessage().contains("layer 11 (Linear(84→10)) of the model") && e.getMessage().contains("copy it with toArray() or Tensor.copyOf"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> m.parameters().close());
            assertThrows(IllegalStateException.class, () -> m.gradients().close());
            assertThrows(IllegalStateException.class, () -> m.parameters(0).get(0).close());
            assertTrue(y.isOpen());
            try (Tensor kept = Tensor.copyOf(y)) {
                assertArrayEquals(first, m.forward(x).toArray());
                assertArrayEquals(first, kept.toArray());
            }
        }
        assertEquals(start, Tensor.liveCount());
    }

    @Test void closingTheLoadedResultClosesItsModelUnlessReleased() throws Exception {
        Path file = savedLenet("m.c4j");
        long start = Tensor.liveCount();
        Model model;
        try (ModelFile.Loaded l = ModelFile.loadForInference(file)) {
            model = l.model();
        }
        assertThrows(IllegalStateException.class, model::parameters, "closed with the Loaded");
        assertEquals(start, Tensor.liveCount());

        ModelFile.Loaded l = ModelFile.loadForInference(file);
        try (Model kept = l.releaseModel()) {
            l.close();
            kept.parameters();   // still open: it was handed over
        }
        assertEquals(start, Tensor.liveCount());
    }

    @Test void aClassifierOfTheCallersModelLeavesItOpenAndInItsMode() {
        long start = Tensor.liveCount();
        try (Sequential m = lenet(); Tensor x = Tensor.of(image(), 1, 1, 28, 28)) {
            assertTrue(m.isTraining());
            float[] before;
            try (Classifier c = Classifier.of(m, Normalization.NONE, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))) {
                assertTrue(m.isTraining(), "the classifier does not switch the caller's model to evaluation mode");
                c.predict(image(), 3);
            }
            assertTrue(m.isTraining());
            m.train(false);
            before = m.forward(x).toArray();   // the model still works after the classifier closed
            assertEquals(10, before.length);
            assertFalse(Float.isNaN(before[0]));
        }
        assertEquals(start, Tensor.liveCount());
    }

    @Test void aLoadedClassifierFreesItsModel() throws Exception {
        Path file = savedLenet("c.c4j");
        long start = Tensor.liveCount();
        try (Classifier c = Classifier.load(file)) {
            c.predict(image(), 1);
            assertEquals(1, c.warnings().size(), "a file without preprocessing says so");
        }
        assertEquals(start, Tensor.liveCount());
    }
}

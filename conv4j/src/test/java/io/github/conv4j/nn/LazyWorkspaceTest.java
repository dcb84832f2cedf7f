package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.io.ModelFile;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model declaring a huge input costs only its parameters until a batch arrives: the workspace
 * is sized for the first batch, and one above the limit is refused with the figure.
 */
class LazyWorkspaceTest {
    @TempDir Path tmp;

    @Test void loadingAModelWithAHugeInputReservesNoWorkspace() throws Exception {
        Path file = tmp.resolve("huge-input.c4j");
        // 225 taps × 2986² output pixels: an 8 GB column matrix for one image
        List<Layer> layers = List.of(new Conv2d(1, 4, 15));
        try (Sequential m = new Sequential(Shape.of(1, 3000, 3000), 1, layers)) {
            assertEquals(0, m.workspaceBytes(), "building the model reserved scratch space");
            ModelFile.save(file, m, Map.of());
        }
        assertTrue(Files.size(file) < 10_000, "the file is tiny: " + Files.size(file));
        long before = Tensor.liveBytes();
        try (ModelFile.Loaded loaded = ModelFile.load(file); Sequential m = loaded.sequential()) {
            long held = Tensor.liveBytes() - before;
            assertTrue(held < 100_000, "loading a 904-parameter model holds " + held + " bytes off-heap");
            assertEquals(0, m.workspaceBytes());
            try (Tensor x = Tensor.zeros(1, 1, 3000, 3000)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(x));
                assertTrue(e.getMessage().contains("layer 0 Conv2d(1→4, 15×15)") && e.getMessage().contains("needs a workspace of")
                        && e.getMessage().contains("above the limit of 4096 MB"), e.getMessage());
            }
            assertEquals(0, m.workspaceBytes(), "a refused workspace is not half reserved");
        }
    }

    @Test void theWorkspaceGrowsWithTheBatchAndIsThenReused() {
        try (Sequential m = new Sequential(Shape.of(3, 32, 32), 1, List.of(new Conv2d(3, 8, 3).padding(1)))) {
            assertEquals(0, m.workspaceBytes());
            try (Tensor small = Tensor.zeros(1, 3, 32, 32); Tensor big = Tensor.zeros(8, 3, 32, 32)) {
                m.forward(small);
                long one = m.workspaceBytes();
                assertTrue(one > 0, "a 3×3 convolution needs scratch space");
                m.forward(big);
                long eight = m.workspaceBytes();
                assertTrue(eight >= one, one + " then " + eight);
                m.forward(small);
                assertEquals(eight, m.workspaceBytes(), "a smaller batch reuses the workspace");
            }
        }
    }
}

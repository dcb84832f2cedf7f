package io.github.conv4j.onnx.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.onnx.OnnxImporter;
import io.github.conv4j.onnx.OnnxModelException;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz targets for the ONNX importer, whose files come from strangers: any bytes must give a
 * model or an {@link OnnxModelException} (no other exception, no crash, no hang, no allocation
 * beyond what the file's bytes justify), and a model imported must run a forward pass. CI replays
 * the checked-in corpus ({@code src/test/resources/.../OnnxImporterFuzzTestInputs}, seeds written
 * by {@link OnnxSeedCorpus}). To fuzz one target for its maxDuration:
 * {@code JAZZER_FUZZ=1 mvn test -pl conv4j-onnx -am -Dtest=OnnxImporterFuzzTest#importGraph -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class OnnxImporterFuzzTest {
    /**
     * The largest model (the sum of its nodes' per-sample output sizes) the targets run: a
     * small file may declare a huge input, which the importer must accept, but running it would
     * only measure the machine's memory.
     */
    private static final long MAX_ACTIVATIONS = 1 << 18;
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("conv4j-onnx-fuzz", ".onnx");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void importGraph(byte[] data) throws IOException {
        Files.write(FILE, data);
        try (Graph model = OnnxImporter.importGraph(FILE)) {
            long activations = model.nodes().stream().mapToLong(n -> n.sampleOutput().size()).sum();
            if (activations <= MAX_ACTIVATIONS) {
                runOnce(model);
            }
        } catch (OnnxModelException expected) {
            // the documented outcome for a bad or unsupported file
        }
    }

    @FuzzTest(maxDuration = "60s")
    void importModel(byte[] data) throws IOException {
        Files.write(FILE, data);
        try (Sequential model = OnnxImporter.importModel(FILE)) {
            long activations = 0;
            Shape shape = model.sampleInput();
            for (Layer layer : model.layers()) {
                shape = layer.outputShape(shape.prependBatch(1)).dropBatch();
                activations += shape.size();
            }
            if (activations <= MAX_ACTIVATIONS) {
                runOnce(model);
            }
        } catch (OnnxModelException expected) {
            // the documented outcome for a bad or unsupported file
        }
    }

    /** A forward pass of zeros: every geometry the importer let through must be one the kernels compute. */
    private static void runOnce(Model model) {
        try (Tensor x = Tensor.zeros(model.sampleInput().prependBatch(1))) {
            Tensor y = model.forward(x);
            if (y.shape().dim(0) != 1 || !y.shape().dropBatch().equals(model.sampleOutput())) {
                throw new AssertionError("output " + y.shape() + " for declared " + model.sampleOutput());
            }
        }
    }
}

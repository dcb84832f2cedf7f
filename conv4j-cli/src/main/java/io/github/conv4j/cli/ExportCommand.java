package io.github.conv4j.cli;

import io.github.conv4j.io.ModelFile;
import io.github.conv4j.onnx.OnnxExporter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code conv4j export model.c4j -o model.onnx}: a conv4j model file (a Sequential or a Graph) as
 * an ONNX model of opset 13 or 14, its preprocessing, class names and conv4j version in
 * metadata_props, so that {@code conv4j import} gives the same model back.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
         description = "Convert a conv4j model file to ONNX (opset 13, 14 with HardSwish; preprocessing in metadata_props).")
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.c4j", description = "The conv4j model file to read.") Path modelFile;
    @Option(names = {"-o", "--output"}, paramLabel = "MODEL.onnx",
            description = "The ONNX file to write, replaced if it exists (default: the model file's name with .onnx).")
    Path output;

    @Override public Integer call() throws Exception {
        ModelConversion conversion = ModelConversion.of(modelFile, output, ".onnx");
        try (ModelFile.Loaded loaded = ModelFile.loadForInference(modelFile)) {
            loaded.warnings().forEach(w -> System.err.println("warning: " + w));
            try {
                conversion.write(file -> OnnxExporter.export(loaded.model(), file));
            } catch (IllegalArgumentException e) {   // a layer without an ONNX operator, named by the exporter
                throw new IllegalArgumentException(modelFile + ": " + e.getMessage(), e);
            }
            System.out.printf("%s: %s written to %s%n", modelFile, loaded.model().getClass().getSimpleName(),
                    conversion.target());
        }
        return 0;
    }
}

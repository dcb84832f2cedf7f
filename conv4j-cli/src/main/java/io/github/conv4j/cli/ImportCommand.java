package io.github.conv4j.cli;

import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.Model;
import io.github.conv4j.onnx.OnnxImportOptions;
import io.github.conv4j.onnx.OnnxImporter;
import io.github.conv4j.onnx.OnnxModel;
import io.github.conv4j.onnx.UnsupportedOnnxModelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conv4j import model.onnx -o model.c4j}: an ONNX model (a chain becomes a Sequential, a
 * branching one a Graph) as a conv4j model file, with the preprocessing its metadata_props carry
 * (a file conv4j exported), else that of the options, else none and a warning. A file whose input
 * leaves sizes open takes them from {@code --input-shape}.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
         description = "Convert an ONNX model (a chain or a graph of the ops conv4j maps) to a conv4j model file.")
final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX file to read.") Path onnxFile;
    @Option(names = {"-o", "--output"}, paramLabel = "MODEL.c4j",
            description = "The conv4j model file to write, replaced if it exists (default: the ONNX file's name with .c4j).")
    Path output;
    @Option(names = InputShapeFlag.NAME, paramLabel = "C,H,W",
            description = "The input's sizes after the batch, comma-separated, where the ONNX file leaves them open (symbolic or "
                    + "missing dims, as PyTorch's dynamic_axes writes them); they must agree with the sizes the file fixes, and the "
                    + "batch stays free (default: the file's own sizes).")
    String inputShape;
    @Mixin PreprocessingOptions preprocessing;
    @Spec CommandSpec spec;

    @Override public Integer call() throws IOException {
        preprocessing.validate(spec);
        OnnxImportOptions options = InputShapeFlag.parse(spec, inputShape);
        ModelConversion conversion = ModelConversion.of(onnxFile, output, ".c4j");
        Path target = conversion.target();
        try (Model model = read(OnnxModel.read(onnxFile), options)) {
            attachPreprocessing(model);
            if (model.preprocessing().isEmpty()) {
                System.err.println("warning: " + target + " has no preprocessing: its inputs are taken unnormalised and its "
                        + "classes are numbered (give --mean, --std, --classes)");
            }
            conversion.write(file -> ModelFile.save(file, model, Map.of()));
            System.out.printf("%s: %s %s → %s, %,d parameters, written to %s%n", onnxFile, model.getClass().getSimpleName(),
                    model.sampleInput(), model.sampleOutput(), model.parameterCount(), target);
        }
        return 0;
    }

    /** The file's own preprocessing wins: the options are for files that have none. */
    private void attachPreprocessing(Model model) throws IOException {
        if (model.preprocessing().isPresent()) {
            if (!preprocessing.absent()) {
                System.err.println("warning: " + onnxFile + " carries its preprocessing; --mean, --std and --classes are ignored");
            }
            return;
        }
        try {
            preprocessing.toPreprocessing(model.sampleInput(), model.sampleOutput()).ifPresent(model::setPreprocessing);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(onnxFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * A Sequential when the nodes form a chain, else a Graph: the chain import refuses a model that
     * branches, and the graph import then maps it, or says what it cannot map.
     */
    static Model read(OnnxModel onnx, OnnxImportOptions options) throws IOException {
        try {
            return OnnxImporter.importModel(onnx, options);
        } catch (UnsupportedOnnxModelException notAChain) {
            return OnnxImporter.importGraph(onnx, options);
        }
    }
}

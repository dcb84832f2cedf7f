package io.github.conv4j.cli;

import io.github.conv4j.data.Npy;
import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.Model;
import io.github.conv4j.onnx.OnnxImportOptions;
import io.github.conv4j.onnx.OnnxModel;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conv4j infer model --input x.npy --output y.npy}: a model's raw outputs (evaluation mode,
 * no softmax added) for a float32 N×C×H×W batch, as a float32 NPY array of N × the output shape,
 * for scripts and for comparing with other frameworks. The model is a conv4j model file or an ONNX
 * file (imported first, as {@code conv4j import} does). The batch runs in chunks of {@code --batch}
 * samples, so that memory stays bounded by the chunk whatever N is; the output is written whole or
 * not at all. An ONNX file whose input leaves sizes open takes them from {@code --input-shape},
 * else from the NPY array's shape after N: the array then says what the model runs on.
 */
@Command(name = "infer", mixinStandardHelpOptions = true,
         description = {"Run a model (.c4j, or .onnx imported first) on a float32 NPY batch N×C×H×W and write its raw outputs "
                 + "(evaluation mode, no softmax added) as a float32 NPY array N×output.",
                 "The input's shape after N must be the model's input shape; the output is written atomically.",
                 "An .onnx file whose input leaves sizes open (dynamic axes) takes them from --input-shape, else from the input's "
                         + "shape after N."})
final class InferCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The model: a conv4j model file, or an ONNX file (name ending .onnx).")
    Path modelFile;
    @Option(names = {"-i", "--input"}, required = true, paramLabel = "X.npy",
            description = "The inputs: a float32 (<f4 or >f4) NPY array N×C×H×W, C×H×W the model's input shape (required).")
    Path input;
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "Y.npy",
            description = "The outputs to write (replaced if it exists): little-endian float32, N × the model's output shape (required).")
    Path output;
    @Option(names = "--batch", defaultValue = "64", paramLabel = "B",
            description = "Samples per forward pass: memory grows with it, not with N (default: ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = InputShapeFlag.NAME, paramLabel = "C,H,W",
            description = "For an .onnx MODEL whose input leaves sizes open: its sizes after the batch, comma-separated; they must "
                    + "agree with those the file fixes (default: the input array's shape after N where the file leaves them open).")
    String inputShape;
    @Spec CommandSpec spec;

    @Override public Integer call() throws IOException {
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        OnnxImportOptions options = InputShapeFlag.parse(spec, inputShape);
        if (inputShape != null && !isOnnx(modelFile))
            throw new ParameterException(spec.commandLine(), InputShapeFlag.NAME + " is for an .onnx MODEL; " + modelFile
                    + " fixes its own input shape");
        Common.requireFile(modelFile);
        Npy.Header header = Npy.readHeader(input);
        Npy.requireFloat32(input, header);
        if (isOnnx(modelFile)) {
            OnnxModel onnx = OnnxModel.read(modelFile);
            try (Model model = inputShape != null ? ImportCommand.read(onnx, options) : importAtInputShape(onnx, header)) {
                run(model, header);
            }
        } else {
            try (ModelFile.Loaded loaded = ModelFile.loadForInference(modelFile)) {
                loaded.warnings().forEach(w -> System.err.println("warning: " + w));
                run(loaded.model(), header);
            }
        }
        return 0;
    }

    /**
     * The ONNX model imported at the array's shape after N where the file leaves its input's sizes
     * open: without --input-shape, the array is the only word on what it should run on.
     */
    private Model importAtInputShape(OnnxModel onnx, Npy.Header header) throws IOException {
        boolean open = onnx.inputs().size() == 1 && onnx.inputs().get(0).fixedSampleDims().isEmpty();
        if (!open || header.shape().size() < 2) return ImportCommand.read(onnx, OnnxImportOptions.defaults());
        List<Long> sample = header.shape().subList(1, header.shape().size());
        try {
            return ImportCommand.read(onnx, OnnxImportOptions.defaults().inputShape(sample.stream().mapToLong(Long::longValue).toArray()));
        } catch (IllegalArgumentException e) {
            throw new IOException(input + ": shape " + header.shape() + ", taken after N as the input shape " + modelFile
                    + " leaves open, does not fit it (give " + InputShapeFlag.NAME + "): " + e.getMessage(), e);
        }
    }

    private static boolean isOnnx(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    private void run(Model model, Npy.Header header) throws IOException {
        model.train(false);
        Shape sample = model.sampleInput(), out = model.sampleOutput();
        int n = checkShape(header, sample);
        int in = (int) sample.size(), outSize = (int) out.size();
        long[] outShape = new long[out.rank() + 1];
        outShape[0] = n;
        for (int d = 0; d < out.rank(); d++) outShape[d + 1] = out.dim(d);
        float[] x = new float[Math.min(batch, Math.max(n, 1)) * in];
        float[] y = new float[Math.min(batch, Math.max(n, 1)) * outSize];
        AtomicFiles.writeChannel(output, channel -> {
            ByteBuffer npyHeader = ByteBuffer.wrap(Npy.float32Header(outShape));
            while (npyHeader.hasRemaining()) channel.write(npyHeader);
            for (int start = 0; start < n; start += batch) {
                int b = Math.min(batch, n - start);
                Npy.readFloats(input, header, (long) start * in, x, 0, b * in);
                try (Tensor chunk = Tensor.zeros(sample.prependBatch(b))) {
                    chunk.copyFrom(x, 0, 0, b * in);
                    Tensor result = model.forward(chunk);
                    if (!result.shape().equals(out.prependBatch(b)))
                        throw new IllegalStateException(modelFile + ": output " + result.shape() + ", expected " + out.prependBatch(b));
                    result.copyTo(0, y, 0, b * outSize);
                }
                Npy.writeFloats(channel, y, 0, b * outSize);
            }
        });
        System.out.printf("%s: %d samples %s → %s written to %s%n", modelFile, n, sample, out, output);
    }

    /** N, once the array's shape is N × the model's input shape; else an error naming the file, its shape and the model's. */
    private int checkShape(Npy.Header header, Shape sample) throws IOException {
        List<Long> shape = header.shape();
        boolean fits = shape.size() == sample.rank() + 1;
        for (int d = 0; fits && d < sample.rank(); d++) fits = shape.get(d + 1) == sample.dim(d);
        if (!fits)
            throw new IOException(input + ": shape " + shape + ", but " + modelFile + " takes N×"
                    + java.util.Arrays.stream(sample.dims()).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining("×")));
        // readHeader checked the elements fit one Java array, so N (at most the elements) fits an int.
        return (int) (long) shape.get(0);
    }
}

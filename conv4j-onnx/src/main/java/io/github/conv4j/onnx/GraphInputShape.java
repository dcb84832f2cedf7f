package io.github.conv4j.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The graph input's per-sample shape, which conv4j's layers need fixed: the file's sizes after the
 * batch, completed by {@link OnnxImportOptions#inputShape} where the file leaves them open. The
 * model comes back with that shape declared on its input and its shape arithmetic folded again, so
 * that a Shape of the input (and what is computed from it, a Reshape's target) sees the sizes given.
 * The batch stays as the file declares it.
 */
final class GraphInputShape {
    /** The Java option, named in refusals next to the command-line flag. */
    private static final String OPTION = "OnnxImportOptions.inputShape";
    /** The flag of {@code conv4j import} and {@code conv4j infer}, named so that a refusal says what to type. */
    private static final String FLAG = "--input-shape";

    private GraphInputShape() {
    }

    /**
     * The model with its input's sizes after the batch all fixed.
     *
     * @throws UnsupportedOnnxModelException if the file leaves a size open and the options give none
     * @throws IllegalArgumentException if the options' shape has another rank than the input's or
     *     disagrees with a size the file fixes, naming the file, the input, the axis and both sizes
     */
    static OnnxModel resolve(OnnxModel model, OnnxImportOptions options) throws OnnxModelException {
        if (model.inputs().size() != 1) {
            return model;   // the importers refuse it, naming the count
        }
        OnnxValueInfo input = model.inputs().get(0);
        Optional<long[]> given = options.inputShape();
        if (given.isEmpty()) {
            requireFixedSample(model, input);
            return model;
        }
        OnnxValueInfo resolved = new OnnxValueInfo(input.name(), input.elementType(),
                Optional.of(complete(model, input, given.get())));
        return model.withInput(resolved);
    }

    /** Without options the file must fix every size after the batch, each within what conv4j takes. */
    private static void requireFixedSample(OnnxModel model, OnnxValueInfo input) throws UnsupportedOnnxModelException {
        String declared = input.shape().map(Object::toString).orElse("unknown");
        if (input.shape().isPresent() && input.shape().get().size() < 2) {
            throw new UnsupportedOnnxModelException(model.source(), "graph input '" + input.name() + "' has shape "
                    + declared + ": conv4j needs a batch then at least one size");
        }
        Optional<long[]> sample = input.fixedSampleDims();
        if (sample.isEmpty()) {
            throw new UnsupportedOnnxModelException(model.source(), "graph input '" + input.name() + "' has shape "
                    + declared + ", open after the batch: give its sizes with " + FLAG + " " + placeholder(input)
                    + " (" + OPTION + " in Java)");
        }
        if (!OnnxImportOptions.withinLimit(sample.get())) {
            throw new UnsupportedOnnxModelException(model.source(), "graph input '" + input.name() + "' has shape "
                    + declared + ": conv4j takes at most " + OnnxImportOptions.MAX_SAMPLE_ELEMENTS
                    + " elements per sample");
        }
    }

    /** The batch as declared (free when the rank is unknown), then the sizes given, checked against the file's. */
    private static List<OnnxDimension> complete(OnnxModel model, OnnxValueInfo input, long[] given) {
        List<OnnxDimension> result = new ArrayList<>();
        if (input.shape().isEmpty()) {
            result.add(OnnxDimension.symbolic(""));
        } else {
            List<OnnxDimension> declared = input.shape().get();
            if (declared.size() - 1 != given.length) {
                throw new IllegalArgumentException(model.source() + ": graph input '" + input.name() + "' has shape "
                        + declared + ", " + (declared.size() - 1) + " sizes after the batch, but the input shape given, "
                        + OnnxImportOptions.describe(given) + ", has " + given.length);
            }
            for (int axis = 1; axis < declared.size(); axis++) {
                OnnxDimension dim = declared.get(axis);
                if (dim.isFixed() && dim.size() != given[axis - 1]) {
                    throw new IllegalArgumentException(model.source() + ": graph input '" + input.name() + "' has shape "
                            + declared + ", which fixes axis " + axis + " at " + dim.size() + ", but the input shape given, "
                            + OnnxImportOptions.describe(given) + ", has " + given[axis - 1] + " there");
                }
            }
            result.add(declared.get(0));
        }
        for (long size : given) {
            result.add(OnnxDimension.of(size));
        }
        return result;
    }

    /**
     * A refusal of the model at the input shape given, saying that shape: a wrong size given shows
     * only as a layer whose weights do not fit, which the user should not take for a broken file.
     */
    static OnnxModelException noting(OnnxModelException refusal, OnnxImportOptions options) {
        if (options.inputShape().isEmpty()) {
            return refusal;
        }
        String detail = refusal.detail() + " (at the input shape given, " + OnnxImportOptions.describe(
                options.inputShape().get()) + ")";
        OnnxModelException noted = refusal instanceof MalformedOnnxModelException
                ? new MalformedOnnxModelException(refusal.file(), detail, refusal.getCause())
                : new UnsupportedOnnxModelException(refusal.file(), detail);
        noted.addSuppressed(refusal);
        return noted;
    }

    /**
     * What to type after the flag: the sizes the file fixes, its symbols where it names them, and
     * C,H,W (or D1, D2, ...) where it does not.
     */
    private static String placeholder(OnnxValueInfo input) {
        if (input.shape().isEmpty()) {
            return "C,H,W";
        }
        List<OnnxDimension> sample = input.shape().get().subList(1, input.shape().get().size());
        List<String> conventional = sample.size() == 3 ? List.of("C", "H", "W")
                : IntStream.rangeClosed(1, sample.size()).mapToObj(i -> "D" + i).toList();
        return IntStream.range(0, sample.size()).mapToObj(i -> sample.get(i).isFixed() || !sample.get(i).symbol().isEmpty()
                ? sample.get(i).toString() : conventional.get(i)).collect(Collectors.joining(","));
    }
}

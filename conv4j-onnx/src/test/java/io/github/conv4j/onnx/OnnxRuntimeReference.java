package io.github.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * ONNX Runtime as the reference an ONNX file is checked against: it loads the file (its own
 * checks of the graph, the operators' signatures and the shapes) and runs it on one input. Where
 * its native library does not load (a platform its jar does not carry), the calling test is
 * skipped, saying so, rather than failed.
 *
 * <p>Its classes are named in full: {@code ai.onnxruntime.OnnxTensor} would hide this package's
 * own {@link OnnxTensor}.
 */
final class OnnxRuntimeReference {
    private OnnxRuntimeReference() {
    }

    /** The process's ONNX Runtime environment, or the test skipped when its native library cannot load. */
    static OrtEnvironment environment() {
        try {
            return OrtEnvironment.getEnvironment();
        } catch (LinkageError | RuntimeException e) {
            assumeTrue(false, "ONNX Runtime does not load on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + ": " + e);
            throw new AssertionError("unreachable");
        }
    }

    /**
     * Loads {@code file} in ONNX Runtime (one thread: tests share the machine) and runs it on
     * {@code input} of shape {@code dims}.
     *
     * @return the model's first output, flat, its shape checked to be {@code outputDims}
     */
    static float[] run(Path file, float[] input, int[] dims, int[] outputDims) throws OrtException {
        OrtEnvironment environment = environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = environment.createSession(file.toString(), options);
                    ai.onnxruntime.OnnxTensor x = ai.onnxruntime.OnnxTensor.createTensor(environment,
                            FloatBuffer.wrap(input), Arrays.stream(dims).asLongStream().toArray());
                    OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), x))) {
                ai.onnxruntime.OnnxTensor y = (ai.onnxruntime.OnnxTensor) result.get(0);
                assertArrayEquals(Arrays.stream(outputDims).asLongStream().toArray(), y.getInfo().getShape(),
                        file.getFileName() + ": ONNX Runtime's output shape");
                FloatBuffer values = y.getFloatBuffer();
                float[] out = new float[values.remaining()];
                values.get(out);
                return out;
            }
        }
    }

    /**
     * Checks {@code actual} against {@code expected} elementwise, |a − e| ≤ atol + rtol·|e| (numpy's
     * allclose), naming the first element outside.
     *
     * @return the largest absolute difference, for the test's report
     */
    static double assertClose(float[] expected, float[] actual, double rtol, double atol, String what) {
        assertEquals(expected.length, actual.length, what + ": output size");
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) actual[i] - expected[i]);
            max = Math.max(max, error);
            assertTrue(error <= atol + rtol * Math.abs(expected[i]), what + ": output " + i + " is " + actual[i]
                    + ", ONNX Runtime's " + expected[i] + " (rtol " + rtol + ", atol " + atol + ")");
        }
        return max;
    }
}

package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What Sequential and Graph say and refuse in their shared part (AbstractModel), each in its own
 * words: where firstNonFinite finds a NaN (a graph's input is the caller's, not checked), the
 * errors of an inference-only replica, whose the borrowed results are, and what a closed model
 * still answers.
 */
class ModelContractTest {
    private static final Shape SAMPLE = Shape.of(1, 8, 8);
    private static final Conv2d CONV = new Conv2d(1, 2, 3);
    private static final Linear FC = new Linear(72, 3);

    private static Sequential sequential() { return new Sequential(SAMPLE, 5, List.of(CONV, new Flatten(), FC)); }

    private static Graph graph() {
        GraphBuilder b = new GraphBuilder(SAMPLE);
        Node fc = b.add("fc", FC, b.add("flat", new Flatten(), b.add("conv", CONV, b.input())));
        return b.build(fc, 5);
    }

    private static Tensor input(float value) {
        float[] x = new float[2 * 64];
        for (int i = 0; i < x.length; i++) x[i] = (i % 9) / 9f;
        x[3] = value;
        return Tensor.of(x, 2, 1, 8, 8);
    }

    private static Tensor gradient(float value) {
        Tensor d = Tensor.of(new float[] {1, -1, 0.5f, 0.25f, 2, -3}, 2, 3);
        d.set(1, value);
        return d;
    }

    private static String message(Executable call) { return assertThrows(IllegalStateException.class, call).getMessage(); }

    /** The first non-finite parameter, output, then parameter gradient, named as each model names its parts. */
    private static void findsTheFirstNonFinite(Model m, String conv) {
        try (Tensor fine = input(0.5f); Tensor nan = input(Float.NaN); Tensor dy = gradient(2f); Tensor dyNan = gradient(Float.NaN)) {
            m.forward(fine);
            m.backward(dy);
            assertNull(m.firstNonFinite());
            m.forward(nan);   // a graph's input node holds the caller's NaN: only the convolution's output counts
            assertEquals("the output of " + conv, m.firstNonFinite());
            m.forward(fine);
            m.zeroGrad();
            m.backward(dyNan);
            assertEquals("the parameter gradient of " + conv, m.firstNonFinite());
            Tensor w = m.namedParameters().values().iterator().next();
            w.set(0, Float.POSITIVE_INFINITY);
            assertEquals("the parameters of " + conv, m.firstNonFinite());
        }
    }

    @Test void firstNonFiniteNamesTheLayerOrTheNode() {
        try (Sequential s = sequential(); Graph g = graph()) {
            findsTheFirstNonFinite(s, "layer 0 " + CONV.describe());
            findsTheFirstNonFinite(g, "node 'conv' " + CONV.describe());
        }
    }

    @Test void anInferenceOnlyReplicaRefusesGradientsInItsOwnWords() {
        try (Sequential s = sequential(); Graph g = graph(); Sequential sr = s.replica(); Graph gr = g.replica(); Tensor dy = gradient(1f)) {
            String stem = " is for inference only (a replica, or loaded with ModelFile.loadForInference)";
            assertEquals("this model" + stem + ": it has no gradients; load it with ModelFile.load to train it", message(sr::gradients));
            assertEquals("this graph" + stem + ": it has no gradients", message(gr::gradients));
            assertEquals("this model" + stem + ": no gradients", message(() -> sr.backward(dy)));
            assertEquals("this graph" + stem + ": no gradients", message(() -> gr.backward(dy)));
            assertTrue(!sr.isTrainable() && !gr.isTrainable() && s.isTrainable() && g.isTrainable());
        }
    }

    /** The borrowed output and input gradient name their lender; closing them throws. */
    private static void lendsItsResults(Model m, String output, String inputGradient) {
        try (Tensor x = input(0.5f); Tensor dy = gradient(1f)) {
            Tensor y = m.forward(x);
            assertTrue(message(y::close).contains(output), output);
            Tensor dx = m.backward(dy, true);
            assertTrue(message(dx::close).contains(inputGradient), inputGradient);
            assertEquals(y, m.forward(x), "the same buffer: the same borrowed view");
        }
    }

    @Test void theResultsAreLentInTheNameOfTheLastAndFirstPart() {
        try (Sequential s = sequential(); Graph g = graph()) {
            lendsItsResults(s, "layer 2 (" + FC.describe() + ") of the model", "layer 0 (" + CONV.describe() + ") of the model");
            lendsItsResults(g, "the output node 'fc' of the graph", "the input gradient of the graph");
        }
    }

    @Test void aClosedModelRefusesWorkButAnswersWhatItWasBuiltFrom() {
        Sequential s = sequential();
        Graph g = graph();
        long count = s.parameterCount();
        assertEquals(count, g.parameterCount());
        s.close();
        g.close();
        s.close();   // idempotent
        g.close();
        assertEquals(count, s.parameterCount(), "a Sequential counts from its layout");
        assertEquals("model is closed", message(g::parameterCount), "a graph asks its (closed) parameters");
        for (Model m : List.of(s, g)) {
            assertEquals("model is closed", message(() -> m.forward(null)));
            assertEquals("model is closed", message(m::zeroGrad));
            assertEquals("model is closed", message(() -> m.freeze("fc")));
            assertEquals(SAMPLE, m.sampleInput());
            assertEquals(5, m.seed());
        }
    }

    /**
     * A forward that fails leaves its buffers half written: the backward after it is refused, in
     * the model's words, until a forward succeeds (then it runs as before).
     */
    @Test
    void aBackwardAfterAFailedForwardIsRefused() {
        assertFailedForwardRefused(sequential(), "the model's last forward failed");
        assertFailedForwardRefused(graph(), "the graph's last forward failed");
    }

    private static void assertFailedForwardRefused(Model m, String words) {
        try (m; Tensor fine = input(0.5f); Tensor dy = gradient(2f); Tensor wrong = Tensor.of(new float[2 * 49], 2, 1, 7, 7)) {
            m.forward(fine);
            m.backward(dy);
            assertThrows(IllegalArgumentException.class, () -> m.forward(wrong));
            assertTrue(message(() -> m.backward(dy)).startsWith(words), words);
            m.forward(fine);
            assertEquals(null, m.backward(dy, false));
        }
    }
}

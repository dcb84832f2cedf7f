package io.github.conv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.ConformanceCase;
import io.github.conv4j.testing.Tolerance;
import java.util.List;

/** How the conformance tests compare one layer or one loss with a PyTorch reference case. */
final class ConformanceChecks {
    private ConformanceChecks() {}

    /**
     * Runs one layer (in the case's training mode, when it has one) forward on x with the case's
     * parameters and state, backward with dy, and compares the output, the input and parameter
     * gradients, and the state after the step, to the bit where {@code exact}.
     */
    static void checkLayer(ConformanceCase c, Layer layer, List<String> params, List<String> grads, List<String> state,
                           boolean exact) {
        int[] inputDims = c.ints("input");
        Shape input = Shape.of(inputDims);
        try (Sequential model = new Sequential(input.dropBatch(), 1, List.of(layer));
             Tensor x = Tensor.of(c.t("x"), inputDims);
             Tensor dy = Tensor.of(c.t("dy"), c.shape("dy"))) {
            for (int i = 0; i < params.size(); i++) model.parameters(0).get(i).copyFrom(c.t(params.get(i)));
            long offset = 0;
            for (String s : state) {
                float[] v = c.t(s);
                model.state().copyFrom(v, 0, offset, v.length);
                offset += v.length;
            }
            model.train(!c.hasHeader("training") || c.i("training") == 1);
            model.zeroGrad();
            Tensor y = model.forward(x);
            assertEquals(Shape.of(c.ints("output")), y.shape(), c.file + ": output shape");
            (exact ? Tolerance.EXACT : Tolerance.FORWARD).check(c.file + " y", c.t("y"), y.toArray());
            Tensor dx = model.backward(dy, true);
            Tolerance backward = exact ? Tolerance.EXACT : Tolerance.BACKWARD;
            backward.check(c.file + " dx", c.t("dx"), dx.toArray());
            for (int i = 0; i < grads.size(); i++)
                backward.check(c.file + " " + grads.get(i), c.t(grads.get(i)), model.gradients(0).get(i).toArray());
            float[] after = state.isEmpty() ? new float[0] : model.state().toArray();
            offset = 0;
            for (String s : state) {
                float[] expected = c.t(s + "_after"), got = new float[expected.length];
                System.arraycopy(after, (int) offset, got, 0, got.length);
                Tolerance.FORWARD.check(c.file + " " + s + "_after", expected, got);
                offset += expected.length;
            }
        }
    }

    /** Runs {@code loss} on the case's logits and labels and compares the loss and its gradient. */
    static void checkLoss(ConformanceCase c, SoftmaxCrossEntropy loss) {
        int[] in = c.ints("input");
        float[] labelValues = c.t("labels");
        int[] labels = new int[labelValues.length];
        for (int i = 0; i < labels.length; i++) labels[i] = (int) labelValues[i];
        try (loss;
             Tensor logits = Tensor.of(c.t("logits"), in);
             IntTensor l = new IntTensor(labels.length)) {
            l.copyFrom(labels, 0, labels.length);
            float value = loss.forward(logits, l);
            Tolerance.FORWARD.check(c.file + " loss", c.t("loss"), new float[] {value});
            Tolerance.BACKWARD.check(c.file + " dlogits", c.t("dlogits"), loss.gradient().toArray());
        }
    }
}

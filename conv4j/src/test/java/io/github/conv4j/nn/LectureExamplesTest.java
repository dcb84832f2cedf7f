package io.github.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked examples of the lecture on convolution and pooling. */
class LectureExamplesTest {
    // The 7×7 input and the 3×3 filter 1 0 −1 / 0 −1 1 / −1 1 0 of the lecture.
    private static final float[] FILTER = {1, 0, -1, 0, -1, 1, -1, 1, 0};

    private static float[] image() {
        float[] x = new float[49];
        int[] values = {0, 1, 2, 2, 2, 0, 1, 1, 0, 2, 1, 2, 0, 2, 2, 1, 0, 2, 0, 0, 1, 1, 0, 2, 1, 2, 0, 2, 0, 1, 2, 2, 2, 0,
                        1, 1, 0, 2, 1, 2, 0, 2, 2, 1, 0, 2, 0, 0, 1};
        for (int i = 0; i < 49; i++) x[i] = values[i];
        return x;
    }

    /** Output of the lecture's filter over the lecture's image, as a Java array. */
    private static float[] convolve(Conv2d conv, Shape expected) {
        try (Sequential m = new Sequential(Shape.of(1, 7, 7), 0, List.of(conv.bias(false)));
             Tensor x = Tensor.of(image(), 1, 1, 7, 7)) {
            m.parameters(0).get(0).copyFrom(FILTER);
            Tensor y = m.forward(x);
            assertEquals(expected, y.shape());
            return y.toArray();
        }
    }

    @Test void crossCorrelationTopLeftIsMinusOne() {
        // z(0,0) = Σ W(i,j)·x(i,j) over the top-left 3×3 window; the lecture's answer is −1.
        float[] x = image();
        float expected = 0;
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) expected += FILTER[i * 3 + j] * x[i * 7 + j];
        float[] y = convolve(new Conv2d(1, 1, 3), Shape.of(1, 1, 5, 5));
        assertEquals(expected, y[0], 0f);
        assertEquals(-1f, y[0], 0f);
    }

    @Test void outputSizesFollowTheFormula() {
        Shape in = Shape.of(1, 1, 7, 7);
        assertEquals(Shape.of(1, 1, 5, 5), new Conv2d(1, 1, 3).outputShape(in));
        assertEquals(Shape.of(1, 1, 3, 3), new Conv2d(1, 1, 3).stride(2).outputShape(in));
        assertEquals(Shape.of(1, 1, 4, 4), new Conv2d(1, 1, 3).stride(2).padding(1).outputShape(in));
        convolve(new Conv2d(1, 1, 3).stride(2).padding(1), Shape.of(1, 1, 4, 4));
    }

    @Test void maxPoolHalvesVggFeatureMaps() {
        assertEquals(Shape.of(1, 64, 112, 112), new MaxPool2d(2).outputShape(Shape.of(1, 64, 224, 224)));
    }

    @Test void dilationWidensTheWindow() {
        // d = dil·(k−1)+1 = 5 for a 3×3 kernel with dilation 2: 7 − 5 + 1 = 3.
        assertEquals(Shape.of(1, 1, 3, 3), new Conv2d(1, 1, 3).dilation(2).outputShape(Shape.of(1, 1, 7, 7)));
    }
}

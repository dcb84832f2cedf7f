package io.github.conv4j.nn;

import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.testing.GradientChecker;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Back-propagation through batch normalisation in evaluation mode (frozen running statistics, as when fine-tuning). */
class BatchNormEvalBackwardTest {
    @Test void evaluationModeGradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(8);
        try (Sequential m = new Sequential(Shape.of(3, 4, 4), 2, java.util.List.of(new BatchNorm2d(3)))) {
            Tensor mean = m.namedState().get("0.running_mean"), var = m.namedState().get("0.running_var");
            mean.copyFrom(new float[] {0.3f, -0.2f, 0.1f});
            var.copyFrom(new float[] {0.5f, 2f, 1.5f});
            m.namedParameters().get("0.weight").copyFrom(new float[] {1.5f, -0.7f, 0.9f});
            m.train(false);
            new GradientChecker(1e-2, 2e-2, 40).check(m, Shape.of(2, 3, 4, 4), GradientChecker.uniform(96, rng), 3);
        }
    }
}

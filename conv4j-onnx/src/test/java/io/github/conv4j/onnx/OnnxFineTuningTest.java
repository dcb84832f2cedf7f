package io.github.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.conv4j.data.Idx;
import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.optim.Sgd;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The shared folder's ResNet exported with its BatchNormalization nodes, imported for training
 * and fine-tuned for a few SGD steps on the shipped Fashion-MNIST sample, colourised to the
 * model's 3×32×32 (each grey image padded by 2 pixels and copied into the three channels): the
 * loss falls and the BatchNorm running statistics move, as they would in PyTorch.
 */
class OnnxFineTuningTest {
    private static final Path SAMPLE = Path.of("data/fashion-mnist-sample");
    private static final int BATCH = 32;
    private static final int STEPS = 12;
    /** Fashion-MNIST's pixel mean and standard deviation, as the reference recipe normalises. */
    private static final float MEAN = 0.2860f;
    private static final float STD = 0.3530f;

    @Test
    void theResnetWithBatchNormFineTunesOnTheColourisedSample() throws IOException {
        Path shared = Path.of(System.getProperty("conv4j.onnx.shared.dir", "../shared/onnx"));
        Path file = shared.resolve("small_resnet_w8_bn.onnx");
        assumeTrue(Files.isRegularFile(file), "no shared model at " + file);
        Idx.Images images = Idx.readImages(SAMPLE.resolve("train-images-idx3-ubyte.gz"));
        int[] labels = Arrays.copyOf(Idx.readLabels(SAMPLE.resolve("train-labels-idx1-ubyte.gz")), BATCH);
        try (Graph model = OnnxImporter.importGraph(file);
                Tensor x = Tensor.of(colourised(images, BATCH), BATCH, 3, 32, 32);
                IntTensor y = new IntTensor(BATCH);
                SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
                Sgd sgd = new SgdConfig().learningRate(0.05).momentum(0.9).create(model)) {
            y.copyFrom(labels, 0, BATCH);
            float[] runningMean = model.namedState().get("bn1.running_mean").toArray();
            float[] convWeight = model.namedParameters().get("conv1.weight").toArray();
            model.train(true);
            float[] losses = new float[STEPS];
            for (int step = 0; step < STEPS; step++) {
                model.zeroGrad();
                losses[step] = loss.forward(model.forward(x), y);
                model.backward(loss.gradient());
                sgd.step();
            }
            System.out.println("fine-tuning small_resnet_w8_bn.onnx, loss per step: " + Arrays.toString(losses));
            assertTrue(Float.isFinite(losses[STEPS - 1]) && losses[STEPS - 1] < 0.7f * losses[0],
                    "the loss falls by 30 %: " + Arrays.toString(losses));
            assertFalse(Arrays.equals(convWeight, model.namedParameters().get("conv1.weight").toArray()),
                    "SGD moved the imported convolution weights");
            assertFalse(Arrays.equals(runningMean, model.namedState().get("bn1.running_mean").toArray()),
                    "training updated the imported running mean");
        }
    }

    /** The first {@code count} 28×28 grey images, normalised, zero-padded to 32×32 and repeated in 3 channels. */
    private static float[] colourised(Idx.Images images, int count) {
        int side = 32, pad = (side - images.rows()) / 2, plane = side * side;
        float[] out = new float[count * 3 * plane];
        for (int n = 0; n < count; n++) {
            for (int r = 0; r < images.rows(); r++) {
                for (int c = 0; c < images.cols(); c++) {
                    int pixel = images.pixels()[(n * images.rows() + r) * images.cols() + c] & 0xFF;
                    float value = (pixel / 255f - MEAN) / STD;
                    for (int channel = 0; channel < 3; channel++) {
                        out[((n * 3 + channel) * side + r + pad) * side + c + pad] = value;
                    }
                }
            }
        }
        return out;
    }
}

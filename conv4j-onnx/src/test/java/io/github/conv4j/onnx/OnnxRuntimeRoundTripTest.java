package io.github.conv4j.onnx;

import io.github.conv4j.nn.AdaptiveAvgPool2d;
import io.github.conv4j.nn.Add;
import io.github.conv4j.nn.BatchNorm1d;
import io.github.conv4j.nn.ChannelShuffle;
import io.github.conv4j.nn.ChannelSlice;
import io.github.conv4j.nn.Concat;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Dropout;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GELU;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.HardSigmoid;
import io.github.conv4j.nn.HardSwish;
import io.github.conv4j.nn.Identity;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.LogSoftmax;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.nn.SiLU;
import io.github.conv4j.nn.Sigmoid;
import io.github.conv4j.nn.Softmax;
import io.github.conv4j.nn.SqueezeExcitation;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.zoo.MobileNetV2;
import io.github.conv4j.zoo.Zoo;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * conv4j models exported to ONNX run in ONNX Runtime: the file passes its load-time checks and
 * its outputs on random inputs equal conv4j's within float tolerance, |Δ| ≤ atol + rtol·|y|:
 * rtol 1e-4, atol 1e-5 for the shallow models, rtol 1e-3, atol 1e-4 for the deep ones (ResNet-20,
 * MobileNetV2), as the shared folder's README allows for PyTorch's. The two runtimes sum in other
 * orders (im2col GEMMs against ONNX Runtime's own convolutions), so bit equality is not expected.
 */
class OnnxRuntimeRoundTripTest {
    private static final double SHALLOW_RTOL = 1e-4;
    private static final double SHALLOW_ATOL = 1e-5;
    private static final double DEEP_RTOL = 1e-3;
    private static final double DEEP_ATOL = 1e-4;
    private static final int BATCH = 3;

    @TempDir
    Path dir;

    @Test
    void referenceCnn() throws Exception {
        assertZooModelAgrees("reference", Shape.of(1, 28, 28), 1L, "reference_cnn", SHALLOW_RTOL, SHALLOW_ATOL);
    }

    @Test
    void lenet5() throws Exception {
        assertZooModelAgrees("lenet5", Shape.of(1, 28, 28), 2L, "lenet5", SHALLOW_RTOL, SHALLOW_ATOL);
    }

    @Test
    void cifarResNet20WithBatchNormInEvaluation() throws Exception {
        assertZooModelAgrees("resnet20", Shape.of(3, 32, 32), 3L, "resnet20", DEEP_RTOL, DEEP_ATOL);
    }

    @Test
    void mobileNetV2OfQuarterWidth() throws Exception {
        try (Model model = new MobileNetV2(3, 10, 0.25).build(Shape.of(3, 32, 32), 4L)) {
            assertOnnxRuntimeAgrees(model, "mobilenet_v2_w025", DEEP_RTOL, DEEP_ATOL);
        }
    }

    @Test
    void squeezeAndExcitationBlocks() throws Exception {
        GraphBuilder b = new GraphBuilder(Shape.of(3, 12, 12));
        Node x = b.add("stem", new Conv2d(3, 16, 3).padding(1), b.input());
        // EfficientNet's activation, read by the block's pooling and its gate's Mul.
        x = b.add("stem_act", new SiLU(), x);
        x = new SqueezeExcitation(16, 4, new Sigmoid()).addTo(b, "se1", x);
        x = b.add("conv", new Conv2d(16, 16, 3).stride(2).padding(1), x);
        // MobileNetV3's gate.
        x = new SqueezeExcitation(16, 8, new HardSigmoid()).addTo(b, "se2", x);
        try (Model model = OnnxTestNetworks.classifierHead(b, x, 16, 5L)) {
            assertOnnxRuntimeAgrees(model, "se", SHALLOW_RTOL, SHALLOW_ATOL);
        }
    }

    /** Every layer type the exporter writes, with non-default options, in one chain. */
    @Test
    void everyExportedLayer() throws Exception {
        Sequential model = OnnxTestNetworks.everyLayerChain(
                new AdaptiveAvgPool2d(1, 2),
                new HardSwish(),
                new GlobalAvgPool2d(),
                new Flatten(),
                new Dropout(0.25),
                new Linear(8, 6),
                new BatchNorm1d(6),
                new ReLU(),
                new Identity(),
                new Linear(6, 5).bias(false),
                new SiLU(),
                new GELU(),
                new GELU().tanhApproximation(),
                new Softmax(),
                new Linear(5, 4),
                new LogSoftmax());
        try (model) {
            randomizeAll(model);
            assertOnnxRuntimeAgrees(model, "every_layer", SHALLOW_RTOL, SHALLOW_ATOL);
        }
    }

    /** Every merge the exporter writes: Add, Sum of three, Concat of channels, Mul by a gate. */
    @Test
    void everyMerge() throws Exception {
        GraphBuilder b = new GraphBuilder(Shape.of(4, 8, 8));
        Node sum = OnnxTestNetworks.concatGateAndSumOfThree(b);
        Node pair = b.add("pair", new Add(), sum, b.add("relu", new ReLU(), sum));
        try (Model model = OnnxTestNetworks.classifierHead(b, pair, 10, 8L)) {
            assertOnnxRuntimeAgrees(model, "every_merge", SHALLOW_RTOL, SHALLOW_ATOL);
        }
    }

    /** {@link #assertOnnxRuntimeAgrees} of the zoo's {@code zooName} for 10 classes. */
    private void assertZooModelAgrees(String zooName, Shape input, long seed, String name, double rtol, double atol)
            throws Exception {
        try (Model model = Zoo.create(zooName, input, 10, seed)) {
            assertOnnxRuntimeAgrees(model, name, rtol, atol);
        }
    }

    /** ShuffleNetV2's channel layers: a split of uneven halves, a shuffle of 2 groups and one of 3. */
    @Test
    void channelSlicesAndShuffles() throws Exception {
        GraphBuilder b = new GraphBuilder(Shape.of(6, 5, 5));
        Node x = b.add("stem", new Conv2d(6, 6, 1), b.input());
        Node kept = b.add("x1", new ChannelSlice(0, 2), x);
        Node branch = b.add("branch", new Conv2d(4, 4, 3).padding(1), b.add("x2", new ChannelSlice(2, 6), x));
        Node shuffled = b.add("shuffle", new ChannelShuffle(2), b.add("cat", new Concat(), kept, branch));
        try (Model model = OnnxTestNetworks.classifierHead(b, b.add("shuffle3", new ChannelShuffle(3), shuffled), 6, 9L)) {
            assertOnnxRuntimeAgrees(model, "channels", SHALLOW_RTOL, SHALLOW_ATOL);
        }
    }

    /**
     * Exports the model in evaluation mode and checks ONNX Runtime's outputs on a random batch
     * against conv4j's, and against conv4j's import of the exported file; the model's BatchNorm statistics are made random first, so that an
     * evaluation-mode BatchNorm is not the identity its fresh statistics would make it.
     */
    private void assertOnnxRuntimeAgrees(Model model, String name, double rtol, double atol) throws Exception {
        randomizeRunningStatistics(model);
        model.train(false);
        Path file = dir.resolve(name + ".onnx");
        OnnxExporter.export(model, file);
        int[] dims = model.sampleInput().prependBatch(BATCH).dims();
        float[] x = OnnxTestNetworks.randomBatch(model, BATCH);
        float[] expected;
        try (Tensor input = Tensor.of(x, dims)) {
            expected = model.forward(input).toArray();
        }
        float[] onnxRuntime = OnnxRuntimeReference.run(file, x, dims, model.sampleOutput().prependBatch(BATCH).dims());
        double error = OnnxRuntimeReference.assertClose(onnxRuntime, expected, rtol, atol, name);
        // And conv4j's import of the same file, the SiLU and GELU chains recognised, computes it too.
        try (Graph back = OnnxImporter.importGraph(file); Tensor input = Tensor.of(x, dims)) {
            OnnxRuntimeReference.assertClose(onnxRuntime, back.forward(input).toArray(), rtol, atol, name + " imported back");
        }
        System.out.println(name + ": max abs difference conv4j vs ONNX Runtime " + error);
    }

    /** Running means in [-0.3, 0.3], running variances in [0.5, 1.5]. */
    private static void randomizeRunningStatistics(Model model) {
        SplittableRandom random = new SplittableRandom(13);
        for (Map.Entry<String, Tensor> entry : model.namedState().entrySet()) {
            float[] values = new float[Math.toIntExact(entry.getValue().size())];
            boolean variance = entry.getKey().endsWith("running_var");
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (variance ? random.nextDouble(0.5, 1.5) : random.nextDouble(-0.3, 0.3));
            }
            entry.getValue().copyFrom(values);
        }
    }

    /** Every parameter in [-1, 1], for a shallow model whose layers' defaults would hide options. */
    private static void randomizeAll(Model model) {
        SplittableRandom random = new SplittableRandom(11);
        float[] params = new float[Math.toIntExact(model.parameters().size())];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) random.nextDouble(-1, 1);
        }
        model.parameters().copyFrom(params);
    }
}

package io.github.conv4j.onnx;

import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.nn.AvgPool2d;
import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.Concat;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.HardSigmoid;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.LeakyReLU;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.PaddingMode;
import io.github.conv4j.nn.ReLU6;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.nn.Sigmoid;
import io.github.conv4j.nn.SqueezeExcitation;
import io.github.conv4j.nn.Tanh;
import io.github.conv4j.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The conv4j networks that the export tests write to ONNX, each built here once, and the random
 * values that make a round trip telling. The ONNX files the import tests read are built by
 * {@link OnnxTestModels}.
 */
final class OnnxTestNetworks {
    private OnnxTestNetworks() {
    }

    /**
     * A 3×13×11 chain, seed 7, that opens with convolutions and pools in options other than their
     * defaults (dilation, groups, SAME padding, ceil mode, padding left out of the average) and the
     * activations between them, 8 channels out, then {@code tail}.
     */
    static Sequential everyLayerChain(Layer... tail) {
        List<Layer> layers = new ArrayList<>(List.of(
                new Conv2d(3, 8, 3, 3).padding(1).dilation(2, 1),
                new BatchNorm2d(8, 1e-3f, 0.2f),
                new LeakyReLU(0.1),
                new MaxPool2d(3).stride(2).padding(1).ceilMode(true),
                new Conv2d(8, 8, 3, 3).groups(4).bias(false).mode(PaddingMode.SAME),
                new Sigmoid(),
                new AvgPool2d(3, 2).stride(1, 2).padding(1, 1).countIncludePad(false).ceilMode(true),
                new Tanh(),
                new AvgPool2d(2).countIncludePad(true),
                new ReLU6(),
                new HardSigmoid()));
        layers.addAll(List.of(tail));
        return new Sequential(Shape.of(3, 13, 11), 7L, layers);
    }

    /**
     * On {@code b}'s input of 4 channels: a Concat of two convolutions (4 + 6 channels), gated by
     * a squeeze-and-excitation block, summed with the ungated Concat and a third convolution.
     *
     * @return the Sum, of 10 channels
     */
    static Node concatGateAndSumOfThree(GraphBuilder b) {
        Node left = b.add("left", new Conv2d(4, 4, 3).padding(1), b.input());
        Node right = b.add("right", new Conv2d(4, 6, 1), b.input());
        Node joined = b.add("cat", new Concat(), left, right);
        Node gated = new SqueezeExcitation(10, 4, new Sigmoid()).addTo(b, "se", joined);
        Node third = b.add("third", new Conv2d(4, 10, 1), b.input());
        return b.add("sum", new io.github.conv4j.nn.Add(), gated, joined, third);
    }

    /** Global average pool, flatten and a Linear to 5 classes on {@code features} of {@code channels}, built with {@code seed}. */
    static Graph classifierHead(GraphBuilder b, Node features, int channels, long seed) {
        Node x = b.add("avgpool", new GlobalAvgPool2d(), features);
        x = b.add("flatten", new Flatten(), x);
        return b.build(b.add("fc", new Linear(channels, 5), x), seed);
    }

    /** A per-channel preprocessing of three channels, other than the identity, with {@code classes}. */
    static Preprocessing threeChannelPreprocessing(String... classes) {
        return Preprocessing.perChannel(new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.2f, 0.25f, 0.3f}, List.of(classes));
    }

    /** Random values everywhere, the running variances positive, so that no layer passes by luck. */
    static void randomize(Model model) {
        SplittableRandom random = new SplittableRandom(11);
        if (model.state() != null) {
            float[] state = new float[Math.toIntExact(model.state().size())];
            for (int i = 0; i < state.length; i++) {
                state[i] = (float) random.nextDouble(0.5, 1.5);
            }
            model.state().copyFrom(state);
        }
        float[] params = model.parameters().toArray();
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) random.nextDouble(-1, 1);
        }
        model.parameters().copyFrom(params);
    }

    /** {@code batch} samples for {@code model}, standard normal, the same on every call. */
    static float[] randomBatch(Model model, int batch) {
        SplittableRandom random = new SplittableRandom(5);
        float[] values = new float[Math.toIntExact(batch * model.sampleInput().size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}

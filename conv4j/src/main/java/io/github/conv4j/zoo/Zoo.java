package io.github.conv4j.zoo;

import io.github.conv4j.nn.BatchNorm1d;
import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.Block;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Dropout;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.ModelSummary;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Well-known architectures: layer lists with the input shape they take ({@link #byName}), and
 * graphs ({@link #GRAPH_NAMES}: the CIFAR ResNet-20, torchvision's ResNet-18 and MobileNetV2); {@link #create} makes any of
 * them as a {@link Model}. Each is made for a
 * given input (C×H×W) and class count: the first convolution takes the data's channels, the
 * first fully connected layer takes whatever the convolutions leave of H×W, and the last layer
 * has one output per class. Without arguments, each has the input and classes it was designed for.
 * <pre>{@code Zoo.byName("reference", Shape.of(3, 32, 32), 10)   // conv(3→32) … fc(4096→256) … fc(256→10)}</pre>
 */
public final class Zoo {
    private Zoo() {}

    /** An architecture: a name, the per-sample input shape and the layers. */
    public record Architecture(String name, Shape input, List<Layer> layers) {}

    /** The names {@link #byName} knows: the layer lists. */
    public static final List<String> NAMES = List.of("reference", "lenet5", "alexnet", "vgg16", "fashioncnn");

    /** The graph architectures {@link #create} also knows: {@link CifarResNet#resnet20}, {@link ResNet#resnet18} and {@link MobileNetV2} (width 1.0). */
    public static final List<String> GRAPH_NAMES = List.of("resnet20", "resnet18", "mobilenetv2");

    /**
     * The architecture of that name (any of {@link #NAMES} or {@link #GRAPH_NAMES}) made for images
     * of {@code input} (C×H×W) and {@code classes} classes, initialised from {@code seed}: a
     * {@link Sequential} or a {@link io.github.conv4j.nn.Graph}.
     */
    public static Model create(String name, Shape input, int classes, long seed) {
        String c = canonical(name);
        if (GRAPH_NAMES.contains(c)) return GraphArchitecture.build(graph(c, input, classes), input, seed);
        Architecture a = byName(c, input, classes);
        return new Sequential(a.input(), seed, a.layers());
    }

    /** The summary of {@link #create}'s model for that name, input and classes, without allocating its weights. */
    public static ModelSummary summary(String name, Shape input, int classes) {
        String c = canonical(name);
        if (GRAPH_NAMES.contains(c)) return GraphArchitecture.summary(graph(c, input, classes), input);
        Architecture a = byName(c, input, classes);
        return ModelSummary.of(a.input(), a.layers());
    }

    /** The name's canonical spelling (e.g. {@code resnet-20} → {@code resnet20}), or an IllegalArgumentException listing the known ones. */
    public static String canonicalName(String name) { return canonical(name); }

    private static Block graph(String canonical, Shape input, int classes) {
        if (classes <= 0) throw new IllegalArgumentException("model " + canonical + " needs a positive class count, got " + classes);
        int c = GraphArchitecture.channels("model " + canonical, input);
        return switch (canonical) {
            case "resnet20" -> CifarResNet.resnet20(c, classes);
            case "resnet18" -> {
                if (c != 3) throw new IllegalArgumentException("model resnet18 takes 3-channel images, got input " + input);
                yield ResNet.resnet18(classes);
            }
            default -> new MobileNetV2(c, classes, 1.0);
        };
    }

    /** The architecture of that name for its designed input and classes, or an IllegalArgumentException listing the known ones. */
    public static Architecture byName(String name) {
        return byName(name, naturalInput(name), naturalClasses(name));
    }

    /**
     * The architecture of that name for images of {@code input} (C×H×W) and {@code classes}
     * classes; an IllegalArgumentException lists the known names, or says why the input does not
     * fit (too small for the convolutions and poolings).
     */
    public static Architecture byName(String name, Shape input, int classes) {
        String c = canonical(name);
        if (GRAPH_NAMES.contains(c)) throw new IllegalArgumentException("model " + c + " is a graph, not a layer list: make it with Zoo.create");
        return switch (c) {
            case "reference" -> reference(input, classes);
            case "lenet5" -> lenet5(input, classes);
            case "fashioncnn" -> fashionCnn(input, classes);
            case "alexnet" -> alexnet(input, classes);
            default -> vgg16(input, classes);
        };
    }

    /** The input an architecture was designed for: 1×28×28 for reference, lenet5 and fashioncnn, 3×32×32 for resnet20, 3×224×224 for alexnet, vgg16, resnet18 and mobilenetv2. */
    public static Shape naturalInput(String name) {
        return switch (canonical(name)) {
            case "reference", "lenet5", "fashioncnn" -> Shape.of(1, 28, 28);
            case "resnet20" -> CifarResNet.INPUT;
            default -> Shape.of(3, 224, 224);
        };
    }

    /** The classes an architecture was designed for: 10 (MNIST's, CIFAR-10's) or 1000 (ImageNet's). */
    public static int naturalClasses(String name) {
        return switch (canonical(name)) {
            case "reference", "lenet5", "fashioncnn", "resnet20" -> 10;
            default -> 1000;   // ImageNet's
        };
    }

    private static String canonical(String name) {
        return switch (name.toLowerCase()) {
            case "reference" -> "reference";
            case "lenet5", "lenet-5", "lenet" -> "lenet5";
            case "fashioncnn", "fashion-cnn" -> "fashioncnn";
            case "alexnet" -> "alexnet";
            case "vgg16", "vgg-16" -> "vgg16";
            case "resnet20", "resnet-20" -> "resnet20";
            case "resnet18", "resnet-18" -> "resnet18";
            case "mobilenetv2", "mobilenet-v2", "mobilenet_v2" -> "mobilenetv2";
            default -> throw new IllegalArgumentException("unknown model '" + name + "' (known: " + String.join(", ", NAMES) + ", "
                    + String.join(", ", GRAPH_NAMES) + ")");
        };
    }

    /**
     * conv4j's reference CNN for 28×28 grey images: conv(1→32, 5×5, pad 2)-ReLU-maxpool 2 →
     * conv(32→64, 5×5, pad 2)-ReLU-maxpool 2 → flatten → fc(3136→256)-ReLU → fc(256→10).
     */
    public static Architecture reference() { return byName("reference"); }

    /** The reference CNN for C×H×W images and {@code classes} classes (fc(64·⌊⌊H/2⌋/2⌋·⌊⌊W/2⌋/2⌋→256)). */
    public static Architecture reference(Shape input, int classes) {
        int c = channels(input);
        return build("reference", input, List.of(
                new Conv2d(c, 32, 5).padding(2), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 5).padding(2), new ReLU(), new MaxPool2d(2)),
                flat -> List.of(new Linear(flat, 256), new ReLU(), new Linear(256, classes)), classes);
    }

    /** LeNet-5 (with ReLU and max pooling) for 28×28 grey images, padded to 32×32 by the first conv. */
    public static Architecture lenet5() { return byName("lenet5"); }

    /** LeNet-5 for C×H×W images and {@code classes} classes. */
    public static Architecture lenet5(Shape input, int classes) {
        int c = channels(input);
        return build("lenet5", input, List.of(
                new Conv2d(c, 6, 5).padding(2), new ReLU(), new MaxPool2d(2),
                new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2)),
                flat -> List.of(new Linear(flat, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, classes)), classes);
    }

    /** The fashion CNN for 28×28 grey images and 10 classes: see {@link #fashionCnn(Shape, int)}. */
    public static Architecture fashionCnn() { return byName("fashioncnn"); }

    /**
     * A small VGG-style CNN with BatchNorm and Dropout, the model of {@code conv4j train --recipe
     * fashion93}: two stages of two conv(3×3, pad 1)-BatchNorm-ReLU, each ended by a 2×2 max
     * pooling and a dropout (32 then 64 channels), then fc(64·⌊H/4⌋·⌊W/4⌋→128)-BatchNorm-ReLU-Dropout(0.3) → fc(128→classes).
     */
    public static Architecture fashionCnn(Shape input, int classes) {
        int c = channels(input);
        return build("fashioncnn", input, List.of(
                new Conv2d(c, 32, 3).padding(1), new BatchNorm2d(32), new ReLU(),
                new Conv2d(32, 32, 3).padding(1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2), new Dropout(0.1),
                new Conv2d(32, 64, 3).padding(1), new BatchNorm2d(64), new ReLU(),
                new Conv2d(64, 64, 3).padding(1), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2), new Dropout(0.1)),
                flat -> List.of(new Linear(flat, 128), new BatchNorm1d(128), new ReLU(), new Dropout(0.3), new Linear(128, classes)), classes);
    }

    /** AlexNet in torchvision's layout (61,100,840 parameters) for 3×224×224 images and 1000 classes. */
    public static Architecture alexnet() { return byName("alexnet"); }

    /** AlexNet for C×H×W images (designed for 224×224; at least 63×63) and {@code classes} classes. */
    public static Architecture alexnet(Shape input, int classes) {
        int c = channels(input);
        return build("alexnet", input, List.of(
                new Conv2d(c, 64, 11).stride(4).padding(2), new ReLU(), new MaxPool2d(3).stride(2),
                new Conv2d(64, 192, 5).padding(2), new ReLU(), new MaxPool2d(3).stride(2),
                new Conv2d(192, 384, 3).padding(1), new ReLU(),
                new Conv2d(384, 256, 3).padding(1), new ReLU(),
                new Conv2d(256, 256, 3).padding(1), new ReLU(), new MaxPool2d(3).stride(2)),
                flat -> List.of(new Dropout(0.5), new Linear(flat, 4096), new ReLU(),
                        new Dropout(0.5), new Linear(4096, 4096), new ReLU(), new Linear(4096, classes)), classes);
    }

    /** VGG-16 (configuration D, 138,357,544 parameters) for 3×224×224 images and 1000 classes. */
    public static Architecture vgg16() { return byName("vgg16"); }

    /** VGG-16 for C×H×W images (designed for 224×224; at least 32×32) and {@code classes} classes. */
    public static Architecture vgg16(Shape input, int classes) {
        int[][] blocks = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
        List<Layer> features = new ArrayList<>();
        int in = channels(input);
        for (int[] block : blocks) {
            for (int out : block) {
                features.add(new Conv2d(in, out, 3).padding(1));
                features.add(new ReLU());
                in = out;
            }
            features.add(new MaxPool2d(2));
        }
        return build("vgg16", input, features, flat -> List.of(new Linear(flat, 4096), new ReLU(), new Dropout(0.5),
                new Linear(4096, 4096), new ReLU(), new Dropout(0.5), new Linear(4096, classes)), classes);
    }

    private static int channels(Shape input) {
        if (input.rank() != 3 || input.dim(0) <= 0 || input.dim(1) <= 0 || input.dim(2) <= 0)
            throw new IllegalArgumentException("a zoo model takes C×H×W images, got input " + input);
        return input.dim(0);
    }

    /** The feature layers, a flatten, and the head made for the number of values the features leave. */
    private static Architecture build(String name, Shape input, List<Layer> features, IntFunction<List<Layer>> head, int classes) {
        if (classes <= 0) throw new IllegalArgumentException("model " + name + " needs a positive class count, got " + classes);
        Shape s = input.prependBatch(1);
        try {
            for (Layer l : features) s = l.outputShape(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model " + name + " cannot take " + input + " input: " + e.getMessage(), e);
        }
        long flat = s.sampleSize();
        if (flat <= 0 || flat > Integer.MAX_VALUE)
            throw new IllegalArgumentException("model " + name + ": " + input + " input leaves " + flat + " features to classify");
        List<Layer> layers = new ArrayList<>(features);
        layers.add(new Flatten());
        layers.addAll(head.apply((int) flat));
        return new Architecture(name, input, List.copyOf(layers));
    }
}

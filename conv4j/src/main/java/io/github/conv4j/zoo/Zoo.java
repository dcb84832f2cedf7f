package io.github.conv4j.zoo;

import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Dropout;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/** Well-known architectures, as layer lists with the input shape they were designed for. */
public final class Zoo {
    private Zoo() {}

    /** An architecture: a name, the per-sample input shape and the layers. */
    public record Architecture(String name, Shape input, List<Layer> layers) {}

    /** The names {@link #byName} knows. */
    public static final List<String> NAMES = List.of("reference", "lenet5", "alexnet", "vgg16");

    /** The architecture of that name, or an IllegalArgumentException listing the known ones. */
    public static Architecture byName(String name) {
        return switch (name.toLowerCase()) {
            case "reference" -> reference();
            case "lenet5", "lenet-5", "lenet" -> lenet5();
            case "alexnet" -> alexnet();
            case "vgg16", "vgg-16" -> vgg16();
            default -> throw new IllegalArgumentException("unknown model '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        };
    }

    /**
     * conv4j's reference CNN for 28×28 grey images: conv(1→32, 5×5, pad 2)-ReLU-maxpool 2 →
     * conv(32→64, 5×5, pad 2)-ReLU-maxpool 2 → flatten → fc(3136→256)-ReLU → fc(256→10).
     */
    public static Architecture reference() {
        return new Architecture("reference", Shape.of(1, 28, 28), List.of(
                new Conv2d(1, 32, 5).padding(2), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 5).padding(2), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(3136, 256), new ReLU(), new Linear(256, 10)));
    }

    /** LeNet-5 (with ReLU and max pooling) for 28×28 grey images, padded to 32×32 by the first conv. */
    public static Architecture lenet5() {
        return new Architecture("lenet5", Shape.of(1, 28, 28), List.of(
                new Conv2d(1, 6, 5).padding(2), new ReLU(), new MaxPool2d(2),
                new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10)));
    }

    /** AlexNet in torchvision's layout (61,100,840 parameters) for 3×224×224 images. */
    public static Architecture alexnet() {
        return new Architecture("alexnet", Shape.of(3, 224, 224), List.of(
                new Conv2d(3, 64, 11).stride(4).padding(2), new ReLU(), new MaxPool2d(3).stride(2),
                new Conv2d(64, 192, 5).padding(2), new ReLU(), new MaxPool2d(3).stride(2),
                new Conv2d(192, 384, 3).padding(1), new ReLU(),
                new Conv2d(384, 256, 3).padding(1), new ReLU(),
                new Conv2d(256, 256, 3).padding(1), new ReLU(), new MaxPool2d(3).stride(2),
                new Flatten(), new Dropout(0.5), new Linear(9216, 4096), new ReLU(),
                new Dropout(0.5), new Linear(4096, 4096), new ReLU(), new Linear(4096, 1000)));
    }

    /** VGG-16 (configuration D, 138,357,544 parameters) for 3×224×224 images. */
    public static Architecture vgg16() {
        int[][] blocks = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
        List<Layer> layers = new ArrayList<>();
        int in = 3;
        for (int[] block : blocks) {
            for (int out : block) {
                layers.add(new Conv2d(in, out, 3).padding(1));
                layers.add(new ReLU());
                in = out;
            }
            layers.add(new MaxPool2d(2));
        }
        layers.addAll(List.of(new Flatten(), new Linear(25088, 4096), new ReLU(), new Dropout(0.5),
                new Linear(4096, 4096), new ReLU(), new Dropout(0.5), new Linear(4096, 1000)));
        return new Architecture("vgg16", Shape.of(3, 224, 224), layers);
    }
}

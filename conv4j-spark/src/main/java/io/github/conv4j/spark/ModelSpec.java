package io.github.conv4j.spark;

import io.github.conv4j.nn.Model;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.zoo.Zoo;
import java.io.Serializable;

/**
 * What an executor needs to build the model being trained: a {@link Zoo} architecture name adapted
 * to an input shape and class count. Sent instead of a model, since a model is off-heap memory that
 * cannot leave its JVM; also the key under which {@link ExecutorModels} pools the built models.
 *
 * @param architecture a {@link Zoo#NAMES} or {@link Zoo#GRAPH_NAMES} name, e.g. {@code reference} or {@code resnet20}
 * @param channels     input channels C
 * @param height       input height H
 * @param width        input width W
 * @param classes      output classes
 */
public record ModelSpec(String architecture, int channels, int height, int width, int classes) implements Serializable {
    /** Checks the spec eagerly on the driver, so a bad name or shape fails before any task runs. */
    public ModelSpec {
        Zoo.summary(architecture, Shape.of(channels, height, width), classes);
    }

    /** The spec of {@code architecture} for images of {@code input} (C×H×W) and {@code classes} classes. */
    public static ModelSpec of(String architecture, Shape input, int classes) {
        return new ModelSpec(architecture, input.dim(0), input.dim(1), input.dim(2), classes);
    }

    /** The per-sample input shape C×H×W. */
    public Shape input() { return Shape.of(channels, height, width); }

    /** Values in one input image, C·H·W. */
    public int valuesPerImage() { return channels * height * width; }

    /** A new trainable model of this architecture initialised from {@code seed}; the caller closes it. */
    public Model build(long seed) { return Zoo.create(architecture, input(), classes, seed); }
}

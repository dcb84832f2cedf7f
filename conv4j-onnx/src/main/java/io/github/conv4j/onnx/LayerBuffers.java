package io.github.conv4j.onnx;

import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * One layer's parameters and state in a {@link Sequential}'s flat buffers, as arrays. Parameters
 * have per-layer views ({@link Sequential#parameters(int)}); the state buffer has none, so its
 * layout is followed here: the layers' {@link Layer#stateShapes()} one after the other, as the
 * model lays them out.
 */
final class LayerBuffers {
    private LayerBuffers() {
    }

    /** Copies the values into layer {@code index}'s parameters and state. */
    static void write(Sequential model, int index, List<float[]> parameters, List<float[]> state) {
        List<Tensor> views = model.parameters(index);
        requireCount(model, index, "parameters", views.size(), parameters.size());
        for (int i = 0; i < views.size(); i++) {
            views.get(i).copyFrom(parameters.get(i));
        }
        List<Shape> stateShapes = model.layers().get(index).stateShapes();
        requireCount(model, index, "state tensors", stateShapes.size(), state.size());
        long offset = stateOffset(model, index);
        for (int i = 0; i < stateShapes.size(); i++) {
            model.state().copyFrom(state.get(i), 0, offset, state.get(i).length);
            offset += stateShapes.get(i).size();
        }
    }

    /** Copies of layer {@code index}'s parameters, weight first. */
    static List<float[]> parameters(Sequential model, int index) {
        return model.parameters(index).stream().map(Tensor::toArray).toList();
    }

    /** Copies of layer {@code index}'s state tensors, running mean first. */
    static List<float[]> state(Sequential model, int index) {
        List<float[]> values = new ArrayList<>();
        long offset = stateOffset(model, index);
        for (Shape shape : model.layers().get(index).stateShapes()) {
            float[] value = new float[Math.toIntExact(shape.size())];
            model.state().copyTo(offset, value, 0, value.length);
            values.add(value);
            offset += shape.size();
        }
        return values;
    }

    private static long stateOffset(Sequential model, int index) {
        long offset = 0;
        for (Layer layer : model.layers().subList(0, index)) {
            for (Shape shape : layer.stateShapes()) {
                offset += shape.size();
            }
        }
        return offset;
    }

    private static void requireCount(Sequential model, int index, String what, int expected, int given) {
        if (expected != given) {
            throw new IllegalStateException("layer " + index + " " + model.layers().get(index).describe() + " has "
                    + expected + " " + what + ", " + given + " given");
        }
    }
}

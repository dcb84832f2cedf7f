package io.github.conv4j.train;

import io.github.conv4j.data.Dataset;
import io.github.conv4j.nn.Model;
import io.github.conv4j.tensor.Shape;

/** The check that data fits a model, made before the first batch so that a mismatch is named, not met deep in a layer. */
final class InputShapes {
    private InputShapes() {}

    /**
     * Throws an IllegalArgumentException naming both shapes when {@code data}'s images are not the
     * model's input, or its classes more than the model's outputs; {@code role} ("training",
     * "test", …) says which set.
     */
    static void requireFits(Model model, Dataset data, String role) {
        Shape in = model.sampleInput(), out = model.sampleOutput();
        if (!in.equals(data.shape()))
            throw new IllegalArgumentException("the model takes " + in + " input, the " + role + " data is " + data.describeShape()
                    + " (" + data.size() + " images)");
        int outputs = out.rank() == 1 ? out.dim(0) : (int) out.size();
        if (data.classes() > outputs)
            throw new IllegalArgumentException("the model has " + outputs + " outputs, the " + role + " data has " + data.classes() + " classes");
    }
}

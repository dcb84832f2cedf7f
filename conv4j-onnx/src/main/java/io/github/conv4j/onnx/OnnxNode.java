package io.github.conv4j.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One operator of the graph, in the ai.onnx domain.
 *
 * @param name the node's name, such as {@code /layer1/conv1/Conv}; may be empty (names are optional in ONNX)
 * @param opType the operator, such as {@code Conv}
 * @param inputs the names of the values it reads, in order; an empty name is an omitted optional input
 * @param outputs the names of the values it produces, in order
 * @param attributes its attributes by name, in file order
 */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs,
        Map<String, OnnxAttribute> attributes) {

    /**
     * Copies the lists and the map so that the record stays immutable.
     *
     * @param name the node's name
     * @param opType the operator
     * @param inputs the values it reads
     * @param outputs the values it produces
     * @param attributes its attributes by name
     */
    public OnnxNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opType, "opType");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        // Map.copyOf would lose the file's order, which messages and summaries follow.
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /**
     * An attribute by name.
     *
     * @param attributeName the attribute's name
     * @return the attribute, or empty when the node does not set it (the operator's default applies)
     */
    public Optional<OnnxAttribute> attribute(String attributeName) {
        return Optional.ofNullable(attributes.get(attributeName));
    }

    /**
     * How messages name this node: its name and op type, or for an unnamed node its op type and
     * first output.
     *
     * @return for example {@code node '/layer1/conv1/Conv' (Conv)}
     */
    public String describe() {
        if (!name.isEmpty()) {
            return "node '" + name + "' (" + opType + ")";
        }
        return "unnamed node (" + opType + ")" + (outputs.isEmpty() ? "" : " producing '" + outputs.get(0) + "'");
    }
}

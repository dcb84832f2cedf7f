package io.github.conv4j.onnx;

import io.github.conv4j.nn.Node;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Names the graph nodes of an imported model, unique and as {@link io.github.conv4j.nn.GraphBuilder}
 * accepts them (no spaces or commas). A node with a weight initializer takes that initializer's
 * PyTorch path ({@code layer1.conv1.weight} → {@code layer1.conv1}), so that the graph's
 * {@code namedParameters()} carry the {@code state_dict} names of the exported module; any other
 * node takes its ONNX name as a dotted path ({@code /layer1/Add} → {@code layer1.Add}), or its
 * first output's name when it has none.
 */
final class GraphNodeNames {
    /** A PyTorch state_dict name: dotted identifiers, such as {@code features.1.conv.0.0.weight}. */
    private static final Pattern STATE_DICT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)+");

    private final OnnxModel model;
    private final Set<String> taken = new HashSet<>(Set.of(Node.INPUT));

    GraphNodeNames(OnnxModel model) {
        this.model = model;
    }

    /** A fresh name for the first graph node of {@code node}. */
    String of(OnnxNode node) {
        for (String input : node.inputs()) {
            if (model.initializers().containsKey(input) && STATE_DICT_NAME.matcher(input).matches()) {
                return unique(input.substring(0, input.lastIndexOf('.')));
            }
        }
        String path = node.name().isEmpty() ? node.outputs().get(0) : node.name();
        return unique(sanitise(path));
    }

    /** A fresh name for the graph node that follows {@code first} for the same ONNX node. */
    String next(String first) {
        return unique(first);
    }

    private static String sanitise(String path) {
        StringBuilder allowed = new StringBuilder(path.length());
        // GraphBuilder's test, Character.isWhitespace, which also counts the separators U+001C to U+001F.
        path.chars().forEach(c -> allowed.append(Character.isWhitespace(c) || c == ',' ? '_' : (char) c));
        String dotted = allowed.toString().replace('/', '.');
        // PyTorch's paths start with '/': a leading dot would be an empty first segment.
        while (dotted.startsWith(".")) {
            dotted = dotted.substring(1);
        }
        return dotted.isEmpty() ? "node" : dotted;
    }

    private String unique(String name) {
        String candidate = name;
        for (int i = 2; !taken.add(candidate); i++) {
            candidate = name + "_" + i;
        }
        return candidate;
    }
}

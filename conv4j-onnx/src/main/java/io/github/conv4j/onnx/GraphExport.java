package io.github.conv4j.onnx;

import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Node;
import io.github.conv4j.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a conv4j {@link Graph} node by node, in its topological order: each layer node reads the
 * value its input node wrote, each merge node the values of all its inputs. Initializers take the
 * graph's own tensor names ({@code layer1.0.conv1.weight}, {@code bn1.running_var}), which are
 * PyTorch's state_dict names for the zoo's blocks, so {@link OnnxImporter#importGraph} finds them
 * again under the same names.
 */
final class GraphExport {
    private GraphExport() {
    }

    static void write(Graph model, ExportGraph graph) {
        Map<Node, String> values = new HashMap<>();
        Map<String, Tensor> parameters = model.namedParameters();
        Map<String, Tensor> state = model.namedState();
        for (Node node : model.nodes()) {
            if (node.isInput()) {
                values.put(node, graph.current());
                continue;
            }
            List<String> inputs = node.inputs().stream().map(values::get).toList();
            if (node.layer().isPresent()) {
                Layer layer = node.layer().get();
                ExportedLayer exported = new ExportedLayer("node '" + node.name() + "'", LayerSpec.of(layer),
                        values(parameters, node, layer.parameterNames()), values(state, node, layer.stateNames()),
                        node.inputs().get(0).sampleOutput());
                graph.startLayer(node.name(), inputs.get(0));
                LayerExporters.write(exported, graph);
            } else {
                MergeExports.write(node, inputs, graph);
            }
            values.put(node, graph.current());
        }
    }

    /** Copies of the node's tensors {@code <node>.<name>}, in the layer's order. */
    private static List<float[]> values(Map<String, Tensor> tensors, Node node, List<String> names) {
        return names.stream().map(name -> tensors.get(node.name() + "." + name).toArray()).toList();
    }
}

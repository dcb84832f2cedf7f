package io.github.conv4j.onnx;

import io.github.conv4j.onnx.proto.OnnxProtos.AttributeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.GraphProto;
import io.github.conv4j.onnx.proto.OnnxProtos.ModelProto;
import io.github.conv4j.onnx.proto.OnnxProtos.NodeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.OperatorSetIdProto;
import io.github.conv4j.onnx.proto.OnnxProtos.StringStringEntryProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TensorProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TensorShapeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TypeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a parsed ModelProto and turns it into an {@link OnnxModel}: the opset, the graph's
 * declared values, initializers, typed nodes in topological order, then the shape-arithmetic fold.
 */
final class ModelDecoder {
    /** The ai.onnx opsets whose operator signatures the reader and the mapping know. */
    static final int MIN_OPSET = 11;
    /** The newest supported opset. */
    static final int MAX_OPSET = 17;

    private final ModelFile file;
    private final TensorDecoder tensors;
    private final AttributeDecoder attributes;

    ModelDecoder(ModelFile file) {
        this.file = file;
        this.tensors = new TensorDecoder(file);
        this.attributes = new AttributeDecoder(file, tensors);
    }

    OnnxModel decode(ModelProto model) throws OnnxModelException {
        if (!model.hasGraph()) {
            throw file.malformed("has no graph");
        }
        int opset = opset(model);
        GraphProto graph = model.getGraph();
        if (graph.getSparseInitializerCount() > 0) {
            throw file.unsupported("sparse initializer '" + graph.getSparseInitializer(0).getValues().getName()
                    + "': conv4j reads dense initializers only");
        }
        Map<String, OnnxTensor> initializers = initializers(graph);
        List<OnnxValueInfo> inputs = new ArrayList<>();
        for (ValueInfoProto input : graph.getInputList()) {
            // Older exporters also list every initializer as a graph input; those are weights, not inputs.
            if (!initializers.containsKey(input.getName())) {
                inputs.add(valueInfo(input, "graph input"));
            }
        }
        List<OnnxValueInfo> outputs = new ArrayList<>();
        for (ValueInfoProto output : graph.getOutputList()) {
            outputs.add(valueInfo(output, "graph output"));
        }
        Set<String> sources = new HashSet<>(initializers.keySet());
        for (OnnxValueInfo input : inputs) {
            if (!sources.add(input.name())) {
                throw file.malformed("graph input '" + input.name() + "' is declared twice");
            }
        }
        List<OnnxNode> sorted = TopologicalOrder.sort(file, nodes(graph), sources);
        checkOutputsProduced(outputs, sorted, sources);
        ShapeArithmeticFolder.Result folded = ShapeArithmeticFolder.fold(file, opset, sorted, initializers,
                declaredDims(graph, inputs));
        return new OnnxModel(file.path(), model.getIrVersion(), opset, model.getProducerName(),
                model.getProducerVersion(), inputs, outputs, initializers, folded.constants(), folded.remaining(),
                folded.folded(), metadata(model));
    }

    private int opset(ModelProto model) throws OnnxModelException {
        Integer opset = null;
        for (OperatorSetIdProto entry : model.getOpsetImportList()) {
            if (!isDefaultDomain(entry.getDomain())) {
                throw file.unsupported("imports operator set domain '" + entry.getDomain() + "' version "
                        + entry.getVersion() + "; conv4j reads only the default domain (ai.onnx)");
            }
            if (opset != null) {
                throw file.malformed("imports the ai.onnx operator set twice (versions " + opset + " and "
                        + entry.getVersion() + ")");
            }
            if (entry.getVersion() < MIN_OPSET || entry.getVersion() > MAX_OPSET) {
                throw file.unsupported("uses ai.onnx opset " + entry.getVersion() + "; conv4j reads opsets "
                        + MIN_OPSET + " to " + MAX_OPSET + " (re-export with opset_version=" + MAX_OPSET + " or lower)");
            }
            opset = (int) entry.getVersion();
        }
        if (opset == null) {
            throw file.malformed("imports no ai.onnx operator set (opset_import is empty)");
        }
        return opset;
    }

    private static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }

    private Map<String, OnnxTensor> initializers(GraphProto graph) throws OnnxModelException {
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        for (TensorProto proto : graph.getInitializerList()) {
            String what = "initializer '" + proto.getName() + "'";
            if (proto.getName().isEmpty()) {
                throw file.malformed("an initializer has no name (dims " + proto.getDimsList() + ")");
            }
            if (initializers.put(proto.getName(), tensors.decode(proto, what)) != null) {
                throw file.malformed(what + " is declared twice");
            }
        }
        return initializers;
    }

    private OnnxValueInfo valueInfo(ValueInfoProto proto, String role) throws OnnxModelException {
        String what = role + " '" + proto.getName() + "'";
        if (proto.getName().isEmpty()) {
            throw file.malformed("a " + role + " has no name");
        }
        if (!proto.getType().hasTensorType()) {
            throw file.unsupported(what + " is not a tensor; conv4j reads tensor inputs and outputs only");
        }
        TypeProto.Tensor type = proto.getType().getTensorType();
        OnnxDataType elementType = OnnxDataType.ofCode(type.getElemType())
                .orElseThrow(() -> file.malformed(what + " has unknown element type code " + type.getElemType()));
        if (!type.hasShape()) {
            return new OnnxValueInfo(proto.getName(), elementType, Optional.empty());
        }
        List<OnnxDimension> shape = new ArrayList<>();
        for (TensorShapeProto.Dimension dim : type.getShape().getDimList()) {
            shape.add(dimension(dim, what, shape.size()));
        }
        return new OnnxValueInfo(proto.getName(), elementType, Optional.of(shape));
    }

    private OnnxDimension dimension(TensorShapeProto.Dimension dim, String what, int axis) throws OnnxModelException {
        if (dim.hasDimValue()) {
            if (dim.getDimValue() < 0) {
                throw file.malformed(what + " has negative dimension " + dim.getDimValue() + " at axis " + axis);
            }
            if (dim.getDimValue() == 0) {
                throw file.unsupported(what + " has dimension 0 at axis " + axis + "; conv4j reads no empty tensors");
            }
            return OnnxDimension.of(dim.getDimValue());
        }
        return OnnxDimension.symbolic(dim.getDimParam());
    }

    private List<OnnxNode> nodes(GraphProto graph) throws OnnxModelException {
        List<OnnxNode> nodes = new ArrayList<>();
        for (NodeProto proto : graph.getNodeList()) {
            String provisional = new OnnxNode(proto.getName(), proto.getOpType(), proto.getInputList(),
                    proto.getOutputList(), Map.of()).describe();
            if (proto.getOpType().isEmpty()) {
                throw file.malformed(provisional + " has no op type");
            }
            if (proto.getOutputCount() == 0) {
                throw file.malformed(provisional + " has no outputs; every ai.onnx operator produces at least one");
            }
            if (!isDefaultDomain(proto.getDomain())) {
                throw file.unsupported(provisional + " is in operator domain '" + proto.getDomain()
                        + "'; conv4j reads only the default domain (ai.onnx)");
            }
            Map<String, OnnxAttribute> typed = new LinkedHashMap<>();
            for (AttributeProto attribute : proto.getAttributeList()) {
                OnnxAttribute decoded = attributes.decode(attribute, provisional);
                if (typed.put(decoded.name(), decoded) != null) {
                    throw file.malformed(provisional + " sets attribute '" + decoded.name() + "' twice");
                }
            }
            nodes.add(new OnnxNode(proto.getName(), proto.getOpType(), proto.getInputList(), proto.getOutputList(),
                    typed));
        }
        return nodes;
    }

    private void checkOutputsProduced(List<OnnxValueInfo> outputs, List<OnnxNode> nodes, Set<String> sources)
            throws OnnxModelException {
        Set<String> produced = new HashSet<>(sources);
        nodes.forEach(node -> produced.addAll(node.outputs()));
        for (OnnxValueInfo output : outputs) {
            if (!produced.contains(output.name())) {
                throw file.malformed("graph output '" + output.name()
                        + "' is produced by no node, initializer or graph input");
            }
        }
    }

    /** The fixed shapes the file declares, which let Shape nodes fold: graph inputs and value_info. */
    private Map<String, long[]> declaredDims(GraphProto graph, List<OnnxValueInfo> inputs) throws OnnxModelException {
        Map<String, long[]> dims = new HashMap<>();
        for (OnnxValueInfo input : inputs) {
            input.fixedDims().ifPresent(d -> dims.put(input.name(), d));
        }
        for (ValueInfoProto proto : graph.getValueInfoList()) {
            // Intermediate values of other kinds (sequences, maps) declare no dims to fold with.
            if (proto.getType().hasTensorType()) {
                OnnxValueInfo info = valueInfo(proto, "value_info");
                info.fixedDims().ifPresent(d -> dims.putIfAbsent(info.name(), d));
            }
        }
        return dims;
    }

    private Map<String, String> metadata(ModelProto model) throws OnnxModelException {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (StringStringEntryProto entry : model.getMetadataPropsList()) {
            if (metadata.put(entry.getKey(), entry.getValue()) != null) {
                throw file.malformed("metadata_props key '" + entry.getKey() + "' appears twice");
            }
        }
        return metadata;
    }
}

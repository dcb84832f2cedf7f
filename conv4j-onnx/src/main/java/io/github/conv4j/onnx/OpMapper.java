package io.github.conv4j.onnx;

import java.util.List;

/**
 * Maps the node of a {@link NodeContext} (and, for a fused pair, the node after it) onto conv4j
 * layers. One mapper per op type, registered in {@link OpMappers}; a mapper checks the node's
 * attributes and constant inputs against the shape flowing into it and refuses, naming the node,
 * what conv4j cannot compute exactly.
 */
@FunctionalInterface
interface OpMapper {
    /**
     * The layers that compute the node, usually one.
     *
     * @param node the node, its input shape and its constants
     * @return the layers in order, never empty
     * @throws OnnxModelException if the node's values are inconsistent or not mappable
     */
    List<MappedLayer> map(NodeContext node) throws OnnxModelException;
}

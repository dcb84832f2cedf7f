package io.github.conv4j.onnx;

/** Writes the ONNX nodes and initializers of one conv4j layer type; registered in {@link LayerExporters}. */
@FunctionalInterface
interface LayerExporter {
    /**
     * Appends the layer to the graph.
     *
     * @param layer the layer, its values and its input shape
     * @param graph the graph so far
     * @throws IllegalArgumentException if the layer has no ONNX equivalent
     */
    void export(ExportedLayer layer, ExportGraph graph);
}

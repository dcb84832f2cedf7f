package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.OnnxTestModels.intAttribute;
import static io.github.conv4j.onnx.OnnxTestModels.longs;
import static io.github.conv4j.onnx.OnnxTestModels.model;
import static io.github.conv4j.onnx.OnnxTestModels.node;
import static io.github.conv4j.onnx.OnnxTestModels.tensorAttribute;
import static io.github.conv4j.onnx.OnnxTestModels.tensorValue;
import static io.github.conv4j.onnx.OnnxTestModels.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.conv4j.onnx.proto.OnnxProtos.GraphProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shape arithmetic PyTorch writes around a Reshape folds to a constant shape. */
class OnnxShapeFoldingTest {
    @TempDir
    Path dir;

    /** {@code x.view(x.size(0), -1)} as PyTorch 1.13 exports it at opset 13. */
    private static GraphProto.Builder viewGraph() {
        return GraphProto.newBuilder().addInput(tensorValue("x", 4, 8, 2, 2)).addOutput(tensorValue("y", 4, 32))
                .addNode(node("/Shape", "Shape", List.of("x"), List.of("s")))
                .addNode(node("/Constant", "Constant", List.of(), List.of("zero"),
                        tensorAttribute("value", longs("", new long[0], 0))))
                .addNode(node("/Gather", "Gather", List.of("s", "zero"), List.of("batch"), intAttribute("axis", 0)))
                .addNode(node("/Constant_1", "Constant", List.of(), List.of("axes"),
                        tensorAttribute("value", longs("", new long[] {1}, 0))))
                .addNode(node("/Unsqueeze", "Unsqueeze", List.of("batch", "axes"), List.of("batch1")))
                .addNode(node("/Constant_2", "Constant", List.of(), List.of("minus1"),
                        tensorAttribute("value", longs("", new long[] {1}, -1))))
                .addNode(node("/Concat", "Concat", List.of("batch1", "minus1"), List.of("shape"), intAttribute("axis", 0)))
                .addNode(node("/Reshape", "Reshape", List.of("x", "shape"), List.of("y")));
    }

    @Test
    void viewBecomesReshapeWithConstantShape() throws IOException {
        OnnxModel model = OnnxModel.read(write(dir, "view.onnx", model(13, viewGraph())));
        assertEquals(List.of("Reshape"), model.nodes().stream().map(OnnxNode::opType).toList());
        assertEquals(7, model.foldedNodes().size());
        OnnxTensor shape = model.constant(model.nodes().get(0).inputs().get(1)).orElseThrow();
        assertArrayEquals(new long[] {4, -1}, shape.longs());
        assertArrayEquals(new long[] {2}, shape.dims());
    }

    @Test
    void sliceDivAndCastFold() throws IOException {
        // shape[1:] / 2, through float and back, as older exporters compute a halved size.
        GraphProto.Builder graph = GraphProto.newBuilder().addInput(tensorValue("x", 4, 8, 6))
                .addOutput(tensorValue("y", 4, 4, 3))
                .addInitializer(longs("start", new long[] {1}, 1))
                .addInitializer(longs("end", new long[] {1}, Long.MAX_VALUE))
                .addInitializer(longs("two", new long[0], 2))
                .addNode(node("/Shape", "Shape", List.of("x"), List.of("s")))
                .addNode(node("/Slice", "Slice", List.of("s", "start", "end"), List.of("tail")))
                .addNode(node("/Div", "Div", List.of("tail", "two"), List.of("half")))
                .addNode(node("/Cast", "Cast", List.of("half"), List.of("halfF"), intAttribute("to", 1)))
                .addNode(node("/Cast_1", "Cast", List.of("halfF"), List.of("halfL"), intAttribute("to", 7)))
                .addNode(node("/Concat", "Concat", List.of("batch", "halfL"), List.of("shape"), intAttribute("axis", 0)))
                .addInitializer(longs("batch", new long[] {1}, 4))
                .addNode(node("/Reshape", "Reshape", List.of("x", "shape"), List.of("y")));
        OnnxModel model = OnnxModel.read(write(dir, "slice.onnx", model(13, graph)));
        assertEquals(List.of("Reshape"), model.nodes().stream().map(OnnxNode::opType).toList());
        assertArrayEquals(new long[] {4, 4, 3}, model.constant("shape").orElseThrow().longs());
        assertArrayEquals(new float[] {4f, 3f}, model.constant("halfF").orElseThrow().floats());
    }

    @Test
    void symbolicBatchLeavesTheShapeToTheMapping() throws IOException {
        GraphProto.Builder graph = viewGraph();
        graph.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0)
                .setDimParam("batch");
        OnnxModel model = OnnxModel.read(write(dir, "dynamic.onnx", model(13, graph)));
        assertEquals(List.of("Shape", "Gather", "Unsqueeze", "Concat", "Reshape"),
                model.nodes().stream().map(OnnxNode::opType).toList());
        assertEquals(List.of("Constant", "Constant", "Constant"),
                model.foldedNodes().stream().map(OnnxNode::opType).toList());
    }

    @Test
    void outOfRangeGatherIsRefused() throws IOException {
        GraphProto.Builder graph = viewGraph();
        graph.setNode(1, node("/Constant", "Constant", List.of(), List.of("zero"),
                tensorAttribute("value", longs("", new long[0], 7))));
        Path file = write(dir, "gather.onnx", model(13, graph));
        MalformedOnnxModelException e = assertThrows(MalformedOnnxModelException.class, () -> OnnxModel.read(file));
        assertEquals(file + ": node '/Gather' (Gather): index 7 of 'zero' is out of range for 's' of length 4",
                e.getMessage());
    }
}

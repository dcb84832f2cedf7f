package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.OnnxTestModels.graph;
import static io.github.conv4j.onnx.OnnxTestModels.model;
import static io.github.conv4j.onnx.OnnxTestModels.node;
import static io.github.conv4j.onnx.OnnxTestModels.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ValueReaders.only(node), the link every fusing pattern asks for: the only reader of a node's single output. */
class ValueReadersTest {
    @TempDir
    Path dir;

    @Test
    void theOnlyReaderOfANodesSingleOutput() throws IOException {
        // x -> Relu r -> Mul(r, r) m; x -> Dropout (d, mask); Add(m, d) -> y, the graph's output; Sigmoid(x) unread
        OnnxModel model = OnnxModel.read(write(dir, "readers.onnx", model(13, graph(new long[] {1, 4}, new long[] {1, 4}, List.of(),
                node("/Relu", "Relu", List.of("x"), List.of("r")),
                node("/Mul", "Mul", List.of("r", "r"), List.of("m")),
                node("/Dropout", "Dropout", List.of("x"), List.of("d", "mask")),
                node("/Add", "Add", List.of("m", "d"), List.of("y")),
                node("/Sigmoid", "Sigmoid", List.of("x"), List.of("s"))))));
        Map<String, OnnxNode> byName = model.nodes().stream().collect(Collectors.toMap(OnnxNode::name, Function.identity()));
        ValueReaders readers = new ValueReaders(model);
        assertEquals(Optional.of("/Mul"), readers.only(byName.get("/Relu")).map(OnnxNode::name), "Mul(r, r) is r's one reader");
        assertEquals(Optional.of("/Add"), readers.only(byName.get("/Mul")).map(OnnxNode::name));
        assertEquals(Optional.empty(), readers.only(byName.get("/Dropout")), "two outputs: no single output");
        assertEquals(Optional.of("/Add"), readers.only("d").map(OnnxNode::name), "though its first output has one reader");
        assertEquals(Optional.empty(), readers.only(byName.get("/Add")), "a graph output");
        assertEquals(Optional.empty(), readers.only(byName.get("/Sigmoid")), "no reader");
    }
}

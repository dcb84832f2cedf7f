package io.github.conv4j.onnx.fuzz;

import io.github.conv4j.nn.Add;
import io.github.conv4j.nn.AvgPool2d;
import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.ChannelShuffle;
import io.github.conv4j.nn.ChannelSlice;
import io.github.conv4j.nn.Concat;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.HardSwish;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.Mul;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.ReLU6;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.nn.Sigmoid;
import io.github.conv4j.nn.Softmax;
import io.github.conv4j.onnx.OnnxExporter;
import io.github.conv4j.onnx.proto.OnnxProtos.AttributeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.GraphProto;
import io.github.conv4j.onnx.proto.OnnxProtos.ModelProto;
import io.github.conv4j.onnx.proto.OnnxProtos.NodeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TensorProto;
import io.github.conv4j.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the seed corpus of {@link OnnxImporterFuzzTest} from conv4j's own exporter: a chain and
 * a graph of every kind of node (run once by hand from the repository's root; the output is
 * checked in), and for each target a truncated and a corrupted copy so that the replay in CI
 * passes the refusal paths too. For the shape arithmetic a graph import folds: a graph of
 * ShuffleNet's channel layers whose batch is symbolic and whose first shuffle's shape is computed
 * from the Shape of a feature map (Shape, Gather, Unsqueeze, Concat, as PyTorch traces
 * {@code x.size(0)}), and a copy of the PyTorch export {@code shuffle_net.onnx}.
 */
public final class OnnxSeedCorpus {
    private OnnxSeedCorpus() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of("conv4j-onnx/src/test/resources/io/github/conv4j/onnx/fuzz/OnnxImporterFuzzTestInputs");
        byte[] chain = exported(chain());
        byte[] graph = exported(graph());
        byte[] channels = withTracedBatch(exported(channels()));
        byte[] shuffleNet = Files.readAllBytes(Path.of("conv4j-onnx/src/test/resources/onnx/shuffle_net.onnx"));
        for (String target : List.of("importGraph", "importModel")) {
            Path dir = root.resolve(target);
            write(dir.resolve("chain"), chain);
            write(dir.resolve("graph"), graph);
            write(dir.resolve("channels-symbolic-batch"), channels);
            write(dir.resolve("shuffle-net"), shuffleNet);
            write(dir.resolve("chain-truncated"), Arrays.copyOf(chain, chain.length / 2));
            byte[] corrupted = chain.clone();
            // A byte in the middle of the weights' tag and length fields.
            corrupted[corrupted.length / 3] ^= 0x5A;
            write(dir.resolve("chain-corrupted"), corrupted);
        }
    }

    /** Conv, BatchNorm, ReLU6, MaxPool, AveragePool, Flatten, Gemm, Softmax on 1×6×6. */
    private static Sequential chain() {
        return new Sequential(Shape.of(1, 6, 6), 1, List.of(new Conv2d(1, 2, 3).padding(1), new BatchNorm2d(2),
                new ReLU6(), new MaxPool2d(2), new AvgPool2d(3).stride(1).padding(1), new Flatten(), new Linear(18, 3),
                new Softmax()));
    }

    /** Fan-out, a residual Add, a sigmoid gate's Mul, a Concat and HardSwish on 2×4×4. */
    private static Graph graph() {
        GraphBuilder b = new GraphBuilder(Shape.of(2, 4, 4));
        Node conv = b.add("conv", new Conv2d(2, 2, 3).padding(1), b.input());
        Node relu = b.add("relu", new ReLU(), conv);
        Node sum = b.add("add", new Add(), relu, b.input());
        Node gate = b.add("gate", new Sigmoid(), b.add("squeeze", new Conv2d(2, 2, 1),
                b.add("pool", new GlobalAvgPool2d(), sum)));
        Node cat = b.add("cat", new Concat(), b.add("mul", new Mul(), sum, gate), b.add("hswish", new HardSwish(), conv));
        return b.build(b.add("fc", new Linear(64, 3), b.add("flatten", new Flatten(), cat)), 1);
    }

    /** ShuffleNetV2's unit in small: two channel slices of a convolution, one convolved, joined and shuffled, on 4×3×3. */
    private static Graph channels() {
        GraphBuilder b = new GraphBuilder(Shape.of(4, 3, 3));
        Node conv = b.add("conv", new Conv2d(4, 4, 1), b.input());
        Node left = b.add("left", new ChannelSlice(0, 2), conv);
        Node right = b.add("branch", new Conv2d(2, 2, 3).padding(1), b.add("right", new ChannelSlice(2, 4), conv));
        return b.build(b.add("shuffle", new ChannelShuffle(2), b.add("cat", new Concat(), left, right)), 1);
    }

    /**
     * The exported file with its first Reshape's shape [0, …] computed as PyTorch traces it on a
     * dynamic batch: Shape of the Reshape's input, Gather of entry 0, Unsqueeze, Concat with the rest.
     */
    private static byte[] withTracedBatch(byte[] file) throws Exception {
        ModelProto.Builder model = ModelProto.parseFrom(file).toBuilder();
        GraphProto.Builder graph = model.getGraphBuilder();
        int at = 0;
        while (!graph.getNode(at).getOpType().equals("Reshape")) {
            at++;
        }
        NodeProto reshape = graph.getNode(at);
        String shape = reshape.getInput(1);
        TensorProto constant = graph.getInitializerList().stream().filter(t -> t.getName().equals(shape)).findFirst()
                .orElseThrow();
        TensorProto rest = constant.toBuilder().setName("traced.rest").clearDims().addDims(constant.getDims(0) - 1)
                .clearInt64Data().addAllInt64Data(constant.getInt64DataList().subList(1, constant.getInt64DataCount()))
                .build();
        TensorProto zero = constant.toBuilder().setName("traced.zero").clearDims().clearInt64Data().addInt64Data(0).build();
        TensorProto axes = zero.toBuilder().setName("traced.axes").addDims(1).build();
        graph.addInitializer(rest).addInitializer(zero).addInitializer(axes);
        List<NodeProto> traced = List.of(
                tracedNode("Shape", List.of(reshape.getInput(0)), "traced.shape"),
                tracedNode("Gather", List.of("traced.shape", "traced.zero"), "traced.batch"),
                tracedNode("Unsqueeze", List.of("traced.batch", "traced.axes"), "traced.batch1"),
                tracedNode("Concat", List.of("traced.batch1", "traced.rest"), "traced.grouped").toBuilder()
                        .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                                .setI(0)).build());
        // At the end: the reader puts the nodes in topological order.
        graph.setNode(at, reshape.toBuilder().setInput(1, "traced.grouped")).addAllNode(traced);
        return model.build().toByteArray();
    }

    private static NodeProto tracedNode(String opType, List<String> inputs, String output) {
        return NodeProto.newBuilder().setName("/traced/" + opType).setOpType(opType).addAllInput(inputs).addOutput(output)
                .build();
    }

    private static byte[] exported(Model model) throws Exception {
        Path file = Files.createTempFile("seed", ".onnx");
        try (model) {
            OnnxExporter.export(model, file);
            return Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void write(Path file, byte[] bytes) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}

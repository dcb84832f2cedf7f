package io.github.conv4j.onnx;

import io.github.conv4j.onnx.proto.OnnxProtos.AttributeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.GraphProto;
import io.github.conv4j.onnx.proto.OnnxProtos.ModelProto;
import io.github.conv4j.onnx.proto.OnnxProtos.NodeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.OperatorSetIdProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TensorProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TensorShapeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TypeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Builds small ModelProtos for the tests, and finds the shipped copies of the shared models. */
final class OnnxTestModels {
    /** The five PyTorch exports of the shared folder, shipped as test resources. */
    static final List<String> SHARED_MODELS = List.of("reference_cnn.onnx", "small_resnet_w8.onnx",
            "small_resnet_w8_bn.onnx", "mobilenet_v2_w025.onnx", "ops_net.onnx");
    /** PyTorch's input and output for each shared model, shipped as test resources too. */
    static final List<String> SHARED_CASES = SHARED_MODELS.stream().map(m -> "onnx_" + m.replace(".onnx", ".case")).toList();

    private OnnxTestModels() {
    }

    static Path resource(String fileName) {
        try {
            return Path.of(OnnxTestModels.class.getResource("/onnx/" + fileName).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** x [1, 4] -> Relu -> y, the smallest graph the reader accepts, for the tests to break. */
    static GraphProto.Builder reluGraph() {
        return GraphProto.newBuilder().setName("relu")
                .addInput(tensorValue("x", 1, 4))
                .addOutput(tensorValue("y", 1, 4))
                .addNode(node("/Relu", "Relu", List.of("x"), List.of("y")));
    }

    /** A graph from x of {@code in} to y of {@code out} through {@code nodes}. */
    static GraphProto.Builder graph(long[] in, long[] out, List<TensorProto> initializers, NodeProto... nodes) {
        return GraphProto.newBuilder().setName("ops").addInput(tensorValue("x", in)).addOutput(tensorValue("y", out))
                .addAllInitializer(initializers).addAllNode(List.of(nodes));
    }

    static ModelProto model(int opset, GraphProto.Builder graph) {
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("conv4j-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    static ValueInfoProto tensorValue(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long dim : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(OnnxDataType.FLOAT.code()).setShape(shape))).build();
    }

    static NodeProto node(String name, String opType, List<String> inputs, List<String> outputs,
            AttributeProto... attributes) {
        return NodeProto.newBuilder().setName(name).setOpType(opType).addAllInput(inputs).addAllOutput(outputs)
                .addAllAttribute(List.of(attributes)).build();
    }

    static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto intsAttribute(String name, long... values) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS)
                .addAllInts(toList(values)).build();
    }

    static AttributeProto tensorAttribute(String name, TensorProto value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(value)
                .build();
    }

    /** A FLOAT tensor stored as little-endian raw_data, as PyTorch writes weights. */
    static TensorProto rawFloats(String name, long[] dims, float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return TensorProto.newBuilder().setName(name).setDataType(OnnxDataType.FLOAT.code())
                .addAllDims(toList(dims)).setRawData(ByteString.copyFrom(bytes.array())).build();
    }

    /** An INT64 tensor stored in int64_data. */
    static TensorProto longs(String name, long[] dims, long... values) {
        return TensorProto.newBuilder().setName(name).setDataType(OnnxDataType.INT64.code())
                .addAllDims(toList(dims)).addAllInt64Data(toList(values)).build();
    }

    private static List<Long> toList(long[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    static Path write(Path dir, String fileName, ModelProto model) throws IOException {
        return write(dir, fileName, model.toByteArray());
    }

    static Path write(Path dir, String fileName, byte[] bytes) throws IOException {
        Path file = dir.resolve(fileName);
        Files.write(file, bytes);
        return file;
    }
}

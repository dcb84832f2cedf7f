package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.OnnxTestModels.model;
import static io.github.conv4j.onnx.OnnxTestModels.node;
import static io.github.conv4j.onnx.OnnxTestModels.rawFloats;
import static io.github.conv4j.onnx.OnnxTestModels.reluGraph;
import static io.github.conv4j.onnx.OnnxTestModels.tensorValue;
import static io.github.conv4j.onnx.OnnxTestModels.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.conv4j.onnx.proto.OnnxProtos.GraphProto;
import io.github.conv4j.onnx.proto.OnnxProtos.ModelProto;
import io.github.conv4j.onnx.proto.OnnxProtos.OperatorSetIdProto;
import io.github.conv4j.onnx.proto.OnnxProtos.StringStringEntryProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TensorProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TensorShapeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.TypeProto;
import io.github.conv4j.onnx.proto.OnnxProtos.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files from strangers: each broken or unsupported file is refused with the exact exception and
 * one message naming the file, the element at fault and the value.
 */
class OnnxHostileFilesTest {
    @TempDir
    Path dir;

    @Test
    void truncatedFilesAreRefusedAtEveryOffset() throws IOException {
        byte[] bytes = Files.readAllBytes(OnnxTestModels.resource("small_resnet_w8.onnx"));
        // A cut between two header fields leaves a valid message without its graph.
        Path header = write(dir, "header.onnx", Arrays.copyOf(bytes, 2));
        assertRefused(MalformedOnnxModelException.class, header, "has no graph");
        // Any cut inside the graph (one length-prefixed field) is a protobuf error.
        for (int length : new int[] {1, 10, 100, 1000, bytes.length / 3, bytes.length / 2, bytes.length - 1}) {
            Path file = write(dir, "cut" + length + ".onnx", Arrays.copyOf(bytes, length));
            MalformedOnnxModelException e = assertThrows(MalformedOnnxModelException.class,
                    () -> OnnxModel.read(file), "cut at " + length);
            assertTrue(e.getMessage().startsWith(file + ": is not a readable ONNX model (truncated or corrupted"),
                    e.getMessage());
        }
    }

    @Test
    void emptyFileHasNoGraph() throws IOException {
        assertRefused(MalformedOnnxModelException.class, write(dir, "empty.onnx", new byte[0]), "has no graph");
    }

    @Test
    void flippedBytesAreReadOrRefusedButNeverCrashTheReader() throws IOException {
        byte[] original = Files.readAllBytes(OnnxTestModels.resource("ops_net.onnx"));
        Random random = new Random(16);
        int refused = 0;
        for (int trial = 0; trial < 200; trial++) {
            byte[] bytes = original.clone();
            int position = random.nextInt(bytes.length);
            bytes[position] ^= (byte) (1 + random.nextInt(255));
            Path file = write(dir, "flip.onnx", bytes);
            try {
                OnnxModel.read(file);
            } catch (OnnxModelException e) {
                refused++;
                assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
            } catch (RuntimeException | Error e) {
                fail("byte " + position + " flipped: " + e, e);
            }
        }
        // A flip inside a weight's raw_data is a valid model with another weight; most others are refused.
        assertTrue(refused > 20, refused + " of 200 refused");
        byte[] firstTagBroken = original.clone();
        firstTagBroken[0] = (byte) 0xff; // field 31 with wire type 7, which does not exist
        Path file = write(dir, "tag.onnx", firstTagBroken);
        MalformedOnnxModelException e = assertThrows(MalformedOnnxModelException.class, () -> OnnxModel.read(file));
        assertTrue(e.getMessage().startsWith(file + ": is not a readable ONNX model"), e.getMessage());
    }

    @Test
    void cycle() throws IOException {
        GraphProto.Builder graph = GraphProto.newBuilder().addInput(tensorValue("x", 1, 4))
                .addOutput(tensorValue("y", 1, 4))
                .addNode(node("/Add", "Add", List.of("x", "b"), List.of("a")))
                .addNode(node("/Relu", "Relu", List.of("a"), List.of("b")))
                .addNode(node("/Sigmoid", "Sigmoid", List.of("a"), List.of("y")));
        assertRefused(MalformedOnnxModelException.class, write(dir, "cycle.onnx", model(13, graph)),
                "the nodes form a cycle: node '/Relu' (Relu) -> node '/Add' (Add) -> node '/Relu' (Relu)");
    }

    @Test
    void inputThatNobodyProduces() throws IOException {
        GraphProto.Builder graph = reluGraph().addNode(node("/Add", "Add", List.of("y", "ghost"), List.of("z")));
        assertRefused(MalformedOnnxModelException.class, write(dir, "ghost.onnx", model(13, graph)),
                "node '/Add' (Add) reads value 'ghost', which no node, initializer or graph input produces");
    }

    @Test
    void valueProducedTwice() throws IOException {
        GraphProto.Builder graph = reluGraph().addNode(node("/Sigmoid", "Sigmoid", List.of("x"), List.of("y")));
        assertRefused(MalformedOnnxModelException.class, write(dir, "twice.onnx", model(13, graph)),
                "node '/Sigmoid' (Sigmoid) produces value 'y', which node '/Relu' (Relu) produces too");
    }

    @Test
    void nodeWithoutOutputs() throws IOException {
        // The graph import looked for the readers of its first output and ran past the end of none.
        GraphProto.Builder graph = reluGraph().addNode(node("/Sigmoid", "Sigmoid", List.of("y"), List.of()));
        assertRefused(MalformedOnnxModelException.class, write(dir, "mute.onnx", model(13, graph)),
                "node '/Sigmoid' (Sigmoid) has no outputs; every ai.onnx operator produces at least one");
    }

    @Test
    void graphOutputThatNobodyProduces() throws IOException {
        GraphProto.Builder graph = reluGraph().addOutput(tensorValue("logits", 1, 10));
        assertRefused(MalformedOnnxModelException.class, write(dir, "output.onnx", model(13, graph)),
                "graph output 'logits' is produced by no node, initializer or graph input");
    }

    @Test
    void initializerDeclaringMoreThanItsData() throws IOException {
        long[] dims = {1000, 1000};
        Path raw = write(dir, "raw.onnx", model(13, reluGraph().addInitializer(rawFloats("fc.weight", dims, 1, 2, 3, 4))));
        assertRefused(MalformedOnnxModelException.class, raw,
                "initializer 'fc.weight' declares dims [1000, 1000] (1000000 values, 4000000 bytes) but its raw_data holds 16 bytes");
        TensorProto typed = TensorProto.newBuilder().setName("fc.weight").setDataType(OnnxDataType.FLOAT.code())
                .addDims(1000).addDims(1000).addAllFloatData(List.of(1f, 2f, 3f, 4f)).build();
        assertRefused(MalformedOnnxModelException.class, write(dir, "typed.onnx", model(13, reluGraph().addInitializer(typed))),
                "initializer 'fc.weight' declares dims [1000, 1000] (1000000 values) but its float_data holds 4 values");
    }

    @Test
    void initializerDeclaringLessThanItsData() throws IOException {
        Path file = write(dir, "less.onnx", model(13, reluGraph().addInitializer(rawFloats("b", new long[] {2}, 1, 2, 3))));
        assertRefused(MalformedOnnxModelException.class, file,
                "initializer 'b' declares dims [2] (2 values, 8 bytes) but its raw_data holds 12 bytes");
    }

    @Test
    void initializerWhoseDimsOverflow() throws IOException {
        TensorProto huge = rawFloats("w", new long[] {1L << 40, 1L << 40}, 1);
        assertRefused(MalformedOnnxModelException.class, write(dir, "overflow.onnx", model(13, reluGraph().addInitializer(huge))),
                "initializer 'w' declares dims [1099511627776, 1099511627776] whose product overflows 64 bits");
    }

    @Test
    void negativeAndZeroDims() throws IOException {
        Path negative = write(dir, "negative.onnx",
                model(13, reluGraph().addInitializer(rawFloats("w", new long[] {2, -3}, 1, 2, 3, 4, 5, 6))));
        assertRefused(MalformedOnnxModelException.class, negative,
                "initializer 'w' has negative dimension -3 at axis 1 of dims [2, -3]");
        Path zero = write(dir, "zero.onnx", model(13, reluGraph().addInitializer(rawFloats("w", new long[] {0, 3}))));
        assertRefused(UnsupportedOnnxModelException.class, zero,
                "initializer 'w' is empty (dimension 0 at axis 0 of dims [0, 3]); conv4j reads no empty tensors");
        GraphProto.Builder negativeInput = reluGraph().setInput(0, tensorValue("x", 1, -4));
        assertRefused(MalformedOnnxModelException.class, write(dir, "input.onnx", model(13, negativeInput)),
                "graph input 'x' has negative dimension -4 at axis 1");
    }

    @Test
    void opsetsOutsideElevenToSeventeen() throws IOException {
        for (int opset : new int[] {9, 23}) {
            assertRefused(UnsupportedOnnxModelException.class, write(dir, "opset" + opset + ".onnx", model(opset, reluGraph())),
                    "uses ai.onnx opset " + opset + "; conv4j reads opsets 11 to 17 (re-export with opset_version=17 or lower)");
        }
        ModelProto none = model(13, reluGraph()).toBuilder().clearOpsetImport().build();
        assertRefused(MalformedOnnxModelException.class, write(dir, "none.onnx", none),
                "imports no ai.onnx operator set (opset_import is empty)");
    }

    @Test
    void otherOperatorDomains() throws IOException {
        ModelProto imports = model(13, reluGraph()).toBuilder()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1)).build();
        assertRefused(UnsupportedOnnxModelException.class, write(dir, "import.onnx", imports),
                "imports operator set domain 'com.microsoft' version 1; conv4j reads only the default domain (ai.onnx)");
        GraphProto.Builder graph = reluGraph().setNode(0, node("/Relu", "Relu", List.of("x"), List.of("y")).toBuilder()
                .setDomain("com.microsoft").build());
        assertRefused(UnsupportedOnnxModelException.class, write(dir, "domain.onnx", model(13, graph)),
                "node '/Relu' (Relu) is in operator domain 'com.microsoft'; conv4j reads only the default domain (ai.onnx)");
    }

    @Test
    void externalData() throws IOException {
        TensorProto external = TensorProto.newBuilder().setName("fc.weight").setDataType(OnnxDataType.FLOAT.code())
                .addDims(10).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin")).build();
        assertRefused(UnsupportedOnnxModelException.class, write(dir, "external.onnx", model(13, reluGraph().addInitializer(external))),
                "initializer 'fc.weight' keeps its data in external file 'weights.bin'; conv4j reads only self-contained models (re-export without external data)");
    }

    @Test
    void otherTensorTypes() throws IOException {
        TensorProto ints = TensorProto.newBuilder().setName("i").setDataType(OnnxDataType.INT32.code()).addDims(1)
                .addInt32Data(3).build();
        assertRefused(UnsupportedOnnxModelException.class, write(dir, "int32.onnx", model(13, reluGraph().addInitializer(ints))),
                "initializer 'i' has data type INT32; conv4j reads FLOAT and INT64 tensors only");
        ValueInfoProto unknownType = ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(99).setShape(TensorShapeProto.getDefaultInstance())))
                .build();
        assertRefused(MalformedOnnxModelException.class, write(dir, "type99.onnx", model(13, reluGraph().setInput(0, unknownType))),
                "graph input 'x' has unknown element type code 99");
    }

    @Test
    void fileAboveTheSizeLimit() throws IOException {
        Path file = write(dir, "large.onnx", model(13, reluGraph()));
        long size = Files.size(file);
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class,
                () -> OnnxModel.read(file, size - 1));
        assertEquals(file + ": is " + size + " bytes, above the limit of " + (size - 1)
                + " bytes (OnnxModel.read(path, maxBytes) raises it)", e.getMessage());
        assertEquals(1, OnnxModel.read(file, size).nodes().size(), "a file at the limit is read");
    }

    @Test
    void unknownOpsAreReadAndListed() throws IOException {
        GraphProto.Builder graph = reluGraph().addNode(node("/Mystery", "Mystery", List.of("y"), List.of("z")))
                .addNode(node("/Einsum", "Einsum", List.of("z"), List.of("w")));
        OnnxModel model = OnnxModel.read(write(dir, "unknown.onnx", model(13, graph)));
        assertEquals(Set.of("Einsum", "Mystery"), model.unsupportedOpTypes(Set.of("Relu")));
        assertEquals(Set.of(), model.unsupportedOpTypes(Set.of("Relu", "Mystery", "Einsum")));
    }

    private static <T extends OnnxModelException> void assertRefused(Class<T> type, Path file, String detail) {
        T e = assertThrows(type, () -> OnnxModel.read(file));
        assertSame(type, e.getClass());
        assertEquals(file + ": " + detail, e.getMessage());
        assertEquals(file, e.file());
    }
}

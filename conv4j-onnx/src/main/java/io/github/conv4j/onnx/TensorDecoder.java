package io.github.conv4j.onnx;

import io.github.conv4j.onnx.proto.OnnxProtos.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Turns a TensorProto into an {@link OnnxTensor} after checking that its declared dims agree with
 * the data it carries, so that no array is allocated beyond what the file's bytes justify.
 */
final class TensorDecoder {
    private final ModelFile file;

    TensorDecoder(ModelFile file) {
        this.file = file;
    }

    /**
     * Decodes a tensor.
     *
     * @param proto the tensor
     * @param what how messages name it, such as {@code initializer 'fc.weight'}
     */
    OnnxTensor decode(TensorProto proto, String what) throws OnnxModelException {
        if (proto.getDataLocation() == TensorProto.DataLocation.EXTERNAL || proto.getExternalDataCount() > 0) {
            String location = proto.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                    .map(e -> "'" + e.getValue() + "'").findFirst().orElse("an unnamed file");
            throw file.unsupported(what + " keeps its data in external file " + location
                    + "; conv4j reads only self-contained models (re-export without external data)");
        }
        long[] dims = proto.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = elementCount(dims, what);
        int typeCode = proto.getDataType();
        if (typeCode == OnnxDataType.FLOAT.code()) {
            return OnnxTensor.ofFloats(proto.getName(), dims, floats(proto, dims, count, what));
        }
        if (typeCode == OnnxDataType.INT64.code()) {
            return OnnxTensor.ofLongs(proto.getName(), dims, longs(proto, dims, count, what));
        }
        throw file.unsupported(what + " has data type " + typeName(typeCode)
                + "; conv4j reads FLOAT and INT64 tensors only");
    }

    private long elementCount(long[] dims, String what) throws OnnxModelException {
        long count = 1;
        for (int axis = 0; axis < dims.length; axis++) {
            if (dims[axis] < 0) {
                throw file.malformed(what + " has negative dimension " + dims[axis] + " at axis " + axis
                        + " of dims " + Arrays.toString(dims));
            }
            if (dims[axis] == 0) {
                throw file.unsupported(what + " is empty (dimension 0 at axis " + axis + " of dims "
                        + Arrays.toString(dims) + "); conv4j reads no empty tensors");
            }
            // 64-bit and overflow-checked: dims come from strangers and decide the array's size.
            try {
                count = Math.multiplyExact(count, dims[axis]);
            } catch (ArithmeticException e) {
                throw file.malformed(what + " declares dims " + Arrays.toString(dims)
                        + " whose product overflows 64 bits");
            }
        }
        return count;
    }

    private float[] floats(TensorProto proto, long[] dims, long count, String what) throws OnnxModelException {
        ByteString raw = proto.getRawData();
        checkOneSource(what, !raw.isEmpty(), proto.getFloatDataCount() > 0, "float_data");
        if (!raw.isEmpty()) {
            checkRawLength(raw, dims, count, Float.BYTES, what);
            float[] values = new float[(int) count];
            raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        }
        checkCount(proto.getFloatDataCount(), dims, count, "float_data", what);
        float[] values = new float[(int) count];
        for (int i = 0; i < values.length; i++) {
            values[i] = proto.getFloatData(i);
        }
        return values;
    }

    private long[] longs(TensorProto proto, long[] dims, long count, String what) throws OnnxModelException {
        ByteString raw = proto.getRawData();
        checkOneSource(what, !raw.isEmpty(), proto.getInt64DataCount() > 0, "int64_data");
        if (!raw.isEmpty()) {
            checkRawLength(raw, dims, count, Long.BYTES, what);
            long[] values = new long[(int) count];
            raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
            return values;
        }
        checkCount(proto.getInt64DataCount(), dims, count, "int64_data", what);
        return proto.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }

    private void checkOneSource(String what, boolean hasRaw, boolean hasTyped, String typedField)
            throws OnnxModelException {
        if (hasRaw && hasTyped) {
            throw file.malformed(what + " holds both raw_data and " + typedField + "; a tensor holds one of them");
        }
    }

    private void checkRawLength(ByteString raw, long[] dims, long count, int elementBytes, String what)
            throws OnnxModelException {
        // count <= 2^63 / 8 or the product overflowed; either way it cannot match a real length then.
        if (count > Long.MAX_VALUE / elementBytes || count * elementBytes != raw.size()) {
            throw file.malformed(what + " declares dims " + Arrays.toString(dims) + " (" + count + " values, "
                    + (count > Long.MAX_VALUE / elementBytes ? "over 2^63" : Long.toString(count * elementBytes))
                    + " bytes) but its raw_data holds " + raw.size() + " bytes");
        }
    }

    private void checkCount(int stored, long[] dims, long count, String field, String what) throws OnnxModelException {
        if (stored != count) {
            throw file.malformed(what + " declares dims " + Arrays.toString(dims) + " (" + count
                    + " values) but its " + field + " holds " + stored + " values");
        }
    }

    static String typeName(int code) {
        return OnnxDataType.ofCode(code).map(Enum::name).orElse("code " + code);
    }
}

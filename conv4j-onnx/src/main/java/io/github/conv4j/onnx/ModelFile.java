package io.github.conv4j.onnx;

import io.github.conv4j.onnx.proto.OnnxProtos.ModelProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file being read: its bytes, read within a size limit, their protobuf parse, and the
 * refusals, which all start with the file's name.
 */
final class ModelFile {
    private final Path path;

    ModelFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    MalformedOnnxModelException malformed(String detail) {
        return new MalformedOnnxModelException(path, detail, null);
    }

    UnsupportedOnnxModelException unsupported(String detail) {
        return new UnsupportedOnnxModelException(path, detail);
    }

    /** Parses the file, reading no more than {@code maxBytes} bytes. */
    ModelProto parse(long maxBytes) throws IOException {
        byte[] bytes = readAtMost(maxBytes);
        try {
            // From a byte array, protobuf checks every length prefix against the bytes that remain
            // before it allocates, so a corrupted length cannot make it allocate more than the file.
            return ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedOnnxModelException(path,
                    "is not a readable ONNX model (truncated or corrupted protobuf): " + e.getMessage(), e);
        }
    }

    private byte[] readAtMost(long maxBytes) throws IOException {
        long size = Files.size(path);
        if (size > maxBytes) {
            throw tooLarge(size, maxBytes);
        }
        try (InputStream in = Files.newInputStream(path)) {
            // Read one byte past the limit: a file that grew since Files.size is caught too.
            byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE));
            if (bytes.length > maxBytes) {
                throw tooLarge(bytes.length, maxBytes);
            }
            return bytes;
        }
    }

    private UnsupportedOnnxModelException tooLarge(long size, long maxBytes) {
        return unsupported("is " + size + " bytes, above the limit of " + maxBytes
                + " bytes (OnnxModel.read(path, maxBytes) raises it)");
    }
}

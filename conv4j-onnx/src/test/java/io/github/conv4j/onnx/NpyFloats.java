package io.github.conv4j.onnx;

import io.github.conv4j.data.Npy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A float32 NPY array of any shape, as the export scripts write inputs and outputs: the header
 * is read and checked by {@link Npy#readHeader} (the library's reader), the data here.
 *
 * @param dims the shape, outermost first
 * @param values the values, row-major
 */
record NpyFloats(int[] dims, float[] values) {

    static NpyFloats read(Path file) throws IOException {
        Npy.Header header = Npy.readHeader(file);
        if (!header.dtype().equals("<f4")) {
            throw new IOException(file + ": dtype " + header.dtype() + ", not <f4");
        }
        int[] dims = header.shape().stream().mapToInt(Math::toIntExact).toArray();
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(header.elements() * Float.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.position(header.dataOffset());
            while (data.hasRemaining() && channel.read(data) >= 0) {
                // readHeader checked that the file holds exactly the data
            }
        }
        float[] values = new float[(int) header.elements()];
        data.flip().asFloatBuffer().get(values);
        return new NpyFloats(dims, values);
    }
}

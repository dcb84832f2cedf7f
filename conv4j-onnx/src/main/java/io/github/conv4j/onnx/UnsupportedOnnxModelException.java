package io.github.conv4j.onnx;

import java.nio.file.Path;

/**
 * The file is a valid ONNX model that conv4j does not read: an opset outside 11 to 17, an
 * operator domain other than ai.onnx, weights kept in external files, a tensor type other than
 * FLOAT and INT64, a file above the size limit.
 */
public final class UnsupportedOnnxModelException extends OnnxModelException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the refusal of a model that conv4j does not read.
     *
     * @param file the file that was being read
     * @param detail what conv4j does not read, naming the element and the value
     */
    public UnsupportedOnnxModelException(Path file, String detail) {
        super(file, detail, null);
    }
}

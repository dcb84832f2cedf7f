package io.github.conv4j.onnx;

import java.nio.file.Path;

/**
 * The file is not a consistent ONNX model: truncated or corrupted bytes, a cycle, a value that
 * nothing produces, an initializer whose declared shape disagrees with its data, a negative
 * dimension. No reader would accept it.
 */
public final class MalformedOnnxModelException extends OnnxModelException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the refusal of a broken file.
     *
     * @param file the file that was being read
     * @param detail what is wrong, naming the element and the value
     * @param cause the parser's own exception, or {@code null}
     */
    public MalformedOnnxModelException(Path file, String detail, Throwable cause) {
        super(file, detail, cause);
    }
}

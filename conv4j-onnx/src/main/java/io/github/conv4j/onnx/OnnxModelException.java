package io.github.conv4j.onnx;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A refusal to read an ONNX file. Its message is one sentence that names the file and then the
 * graph element at fault (node with its op type, initializer, attribute or value) and the value
 * that was refused, so that a user can act on it without a debugger: models come from strangers.
 * The two subclasses tell a broken file ({@link MalformedOnnxModelException}) from a valid model
 * that conv4j does not read ({@link UnsupportedOnnxModelException}).
 */
public abstract class OnnxModelException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String detail;

    /**
     * Creates a refusal.
     *
     * @param file the file that was being read
     * @param detail what is wrong, naming the element and the value, without the file
     * @param cause the parser's own exception, or {@code null}
     */
    protected OnnxModelException(Path file, String detail, Throwable cause) {
        super(file + ": " + detail, cause);
        this.file = file;
        this.detail = detail;
    }

    /**
     * The file that was refused.
     *
     * @return the path as it was given to the reader
     */
    public Path file() {
        return file;
    }

    /**
     * The message without the file name in front.
     *
     * @return what is wrong with the file
     */
    public String detail() {
        return detail;
    }
}

package io.github.conv4j.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of conv4j that writes an ONNX file, from the properties Maven filters at build time. */
final class Conv4jVersion {
    private static final String RESOURCE = "conv4j-onnx.properties";

    private Conv4jVersion() {
    }

    static String get() {
        try (InputStream in = Conv4jVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from conv4j-onnx's jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

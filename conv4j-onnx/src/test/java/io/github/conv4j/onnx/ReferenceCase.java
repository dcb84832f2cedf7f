package io.github.conv4j.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A conformance case of the shared folder ({@code ../conformance/README.md}): header lines
 * {@code key values...}, then tensors as {@code tensor NAME d0 d1 ...} and a line of values.
 */
record ReferenceCase(Map<String, String> header, Map<String, int[]> shapes, Map<String, float[]> tensors) {

    static ReferenceCase read(Path file) throws IOException {
        Map<String, String> header = new HashMap<>();
        Map<String, int[]> shapes = new HashMap<>();
        Map<String, float[]> tensors = new HashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split(" ");
            if (words[0].equals("tensor")) {
                int[] dims = new int[words.length - 2];
                for (int d = 0; d < dims.length; d++) {
                    dims[d] = Integer.parseInt(words[d + 2]);
                }
                String[] numbers = lines.get(++i).trim().split(" ");
                float[] values = new float[numbers.length];
                for (int v = 0; v < values.length; v++) {
                    values[v] = Float.parseFloat(numbers[v]);
                }
                shapes.put(words[1], dims);
                tensors.put(words[1], values);
            } else {
                header.put(words[0], line.substring(words[0].length()).trim());
            }
        }
        return new ReferenceCase(header, shapes, tensors);
    }
}

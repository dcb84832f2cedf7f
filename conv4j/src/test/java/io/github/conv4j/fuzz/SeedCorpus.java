package io.github.conv4j.fuzz;

import io.github.conv4j.io.ModelFile;
import io.github.conv4j.nn.Add;
import io.github.conv4j.nn.Concat;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.Mul;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes the seed corpus of {@link ParserFuzzTest} (run once by hand; the output is checked in). */
public final class SeedCorpus {
    public static void main(String[] args) throws Exception {
        Path root = Path.of("conv4j/src/test/resources/io/github/conv4j/fuzz/ParserFuzzTestInputs");
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(img);
        d.writeInt(0x803); d.writeInt(2); d.writeInt(3); d.writeInt(4);
        for (int i = 0; i < 24; i++) d.writeByte(i * 10);
        write(root.resolve("idxImages/valid"), img.toByteArray());
        write(root.resolve("idxImages/valid-gzip"), gzip(img.toByteArray()));
        ByteArrayOutputStream lab = new ByteArrayOutputStream();
        DataOutputStream l = new DataOutputStream(lab);
        l.writeInt(0x801); l.writeInt(3); l.write(new byte[] {1, 2, 9});
        write(root.resolve("idxLabels/valid"), lab.toByteArray());
        write(root.resolve("idxLabels/valid-gzip"), gzip(lab.toByteArray()));
        Path model = Files.createTempFile("seed", ".c4j");
        try (Sequential m = new Sequential(Shape.of(1, 4, 4), 1, List.of(new Conv2d(1, 2, 3), new Flatten(), new Linear(8, 3)))) {
            ModelFile.save(model, m, Map.of("labels", "a,b,c"));
        }
        byte[] file = Files.readAllBytes(model);
        write(root.resolve("modelFile/valid"), file);
        write(root.resolve("modelPayload/valid"), java.util.Arrays.copyOfRange(file, 20, file.length - 4));
        // a graph: fan-out, a residual Add, a gate Mul and a Concat
        GraphBuilder b = new GraphBuilder(Shape.of(2, 4, 4));
        Node c = b.add("conv", new Conv2d(2, 2, 3).padding(1), b.input());
        Node sum = b.add("add", new Add(), c, b.input());
        Node gate = b.add("gate", new Conv2d(2, 2, 1), b.add("pool", new GlobalAvgPool2d(), sum));
        Node cat = b.add("cat", new Concat(), b.add("mul", new Mul(), sum, gate), c);
        try (Graph g = b.build(b.add("fc", new Linear(64, 3), b.add("flatten", new Flatten(), cat)), 1)) {
            ModelFile.save(model, g, Map.of());
        }
        file = Files.readAllBytes(model);
        write(root.resolve("modelFile/valid-graph"), file);
        write(root.resolve("modelPayload/valid-graph"), java.util.Arrays.copyOfRange(file, 20, file.length - 4));
    }

    private static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(o)) { g.write(b); }
        return o.toByteArray();
    }

    private static void write(Path p, byte[] b) throws Exception {
        Files.createDirectories(p.getParent());
        Files.write(p, b);
    }
}

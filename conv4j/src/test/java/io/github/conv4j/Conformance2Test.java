package io.github.conv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.AdaptiveAvgPool2d;
import io.github.conv4j.nn.AvgPool2d;
import io.github.conv4j.nn.BatchNorm1d;
import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.GELU;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.LeakyReLU;
import io.github.conv4j.nn.LogSoftmax;
import io.github.conv4j.nn.ReLU6;
import io.github.conv4j.nn.SiLU;
import io.github.conv4j.nn.Sigmoid;
import io.github.conv4j.nn.Softmax;
import io.github.conv4j.nn.Tanh;
import io.github.conv4j.testing.ConformanceFolder;
import io.github.conv4j.testing.ConformanceCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The layer cases of the second PyTorch reference set (system property
 * {@code conv4j.conformance2.dir}, default {@code ../shared/conformance2}, resolved against the
 * working directory, which is the repository root): activations, softmax and log-softmax,
 * adaptive and plain average pooling, batch norm 1-D and 2-D, cross-entropy with label
 * smoothing. The block and network cases ({@link #BLOCKS}) are skipped by op name: they need the
 * graph models of issue 15, not single layers.
 */
class Conformance2Test {

    /** The ops this test runs. */
    static final Set<String> LAYERS = Set.of("activation", "softmax", "log_softmax", "adaptive_avgpool2d", "avgpool2d",
            "batchnorm1d", "batchnorm2d", "cross_entropy_smoothing");

    /** The ops left to the graph-model work (residual and concatenating blocks, a whole ResNet). */
    static final Set<String> BLOCKS = Set.of("resnet_basic_block", "resnet_bottleneck", "mobilenetv2_block", "concat_block",
            "small_resnet");

    private static List<Path> cases(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".case")).sorted().toList();
        }
    }

    /**
     * The copy holds exactly the shared folder's cases of the ops this test runs, byte for byte
     * (the block cases stay out of it: nothing here runs them).
     */
    @Test
    void repositoryCopyMatchesTheSharedCases() throws IOException {
        Path shared = ConformanceFolder.MODERN.configured();
        Assumptions.assumeTrue(ConformanceFolder.MODERN.sharedPresent(), "no shared conformance2 folder beside this checkout");
        List<String> expected = new ArrayList<>();
        for (Path f : cases(shared))
            if (LAYERS.contains(ConformanceCase.parse(f).op())) expected.add(f.getFileName().toString());
        List<String> copied = cases(ConformanceFolder.MODERN.copy()).stream().map(p -> p.getFileName().toString()).toList();
        // the copy also holds the block cases BlockConformanceTest runs; every layer case must be there
        assertTrue(copied.containsAll(expected), "the layer cases of " + shared + " missing from the copy " + ConformanceFolder.MODERN.copy() + ": "
                + expected.stream().filter(n -> !copied.contains(n)).toList());
        for (String name : copied)
            assertEquals(-1L, Files.mismatch(shared.resolve(name), ConformanceFolder.MODERN.copy().resolve(name)), name + " differs from the shared case");
    }

    @TestFactory
    Stream<DynamicTest> everyLayerCase() throws IOException {
        Path dir = ConformanceFolder.MODERN.cases();
        List<Path> files = cases(dir);
        assertFalse(files.isEmpty(), "no .case file in " + dir.toAbsolutePath());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            ConformanceCase c = ConformanceCase.parse(f);
            Assumptions.assumeFalse(BLOCKS.contains(c.op()), c.op() + " is a block case: BlockConformanceTest runs it");
            run(c);
        }));
    }

    private static void run(ConformanceCase c) {
        switch (c.op()) {
            case "activation" -> ConformanceChecks.checkLayer(c, activation(c), List.of(), List.of(), List.of(), exactActivation(c));
            case "softmax" -> ConformanceChecks.checkLayer(c, new Softmax(), List.of(), List.of(), List.of(), false);
            case "log_softmax" -> ConformanceChecks.checkLayer(c, new LogSoftmax(), List.of(), List.of(), List.of(), false);
            case "adaptive_avgpool2d" -> ConformanceChecks.checkLayer(c, new AdaptiveAvgPool2d(c.ints("output_size")[0], c.ints("output_size")[1]),
                    List.of(), List.of(), List.of(), false);
            case "avgpool2d" -> {
                int[] k = c.ints("kernel"), st = c.ints("stride"), pad = c.ints("padding");
                ConformanceChecks.checkLayer(c, new AvgPool2d(k[0], k[1]).stride(st[0], st[1]).padding(pad[0], pad[1]).ceilMode(c.i("ceil_mode") == 1)
                        .countIncludePad(c.i("count_include_pad") == 1), List.of(), List.of(), List.of(), false);
            }
            case "batchnorm1d", "batchnorm2d" -> batchNorm(c);
            case "cross_entropy_smoothing" -> crossEntropySmoothing(c);
            default -> throw new AssertionError(c.file + ": unknown op " + c.op());
        }
    }

    private static Layer activation(ConformanceCase c) {
        return switch (c.word("function")) {
            case "leaky_relu" -> new LeakyReLU(c.f("alpha"));
            case "sigmoid" -> new Sigmoid();
            case "tanh" -> new Tanh();
            case "relu6" -> new ReLU6();
            case "silu" -> new SiLU();
            case "gelu" -> new GELU();
            case "gelu_tanh" -> new GELU().tanhApproximation();
            default -> throw new AssertionError(c.file + ": unknown function " + c.word("function"));
        };
    }

    /** relu6 only clamps and passes or drops gradients: no arithmetic, so it must match exactly. */
    private static boolean exactActivation(ConformanceCase c) { return c.word("function").equals("relu6"); }

    private static void batchNorm(ConformanceCase c) {
        int[] in = c.ints("input");
        float eps = c.f("eps"), momentum = c.f("momentum");
        Layer bn = c.op().equals("batchnorm1d") ? new BatchNorm1d(in[1], eps, momentum) : new BatchNorm2d(in[1], eps, momentum);
        assertEquals(1, c.i("affine"), c.file + ": only affine batch norm exists here");
        ConformanceChecks.checkLayer(c, bn, List.of("gamma", "beta"), List.of("dgamma", "dbeta"), List.of("running_mean", "running_var"), false);
    }

    private static void crossEntropySmoothing(ConformanceCase c) {
        ConformanceChecks.checkLoss(c, new SoftmaxCrossEntropy(c.f("label_smoothing")));
    }
}

package io.github.conv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.testing.ConformanceFolder;
import io.github.conv4j.testing.ConformanceCase;
import io.github.conv4j.testing.PortableKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every PyTorch reference case of the conformance folder (system property
 * {@code conv4j.conformance.dir}, default {@code ../shared/conformance}), forward and backward.
 */
class ConformanceTest {

    /** The copy the repository carries is the shared reference, file for file. */
    @org.junit.jupiter.api.Test
    void repositoryCopyMatchesTheSharedCases() throws IOException {
        Path shared = ConformanceFolder.LAYERS.configured();
        org.junit.jupiter.api.Assumptions.assumeTrue(ConformanceFolder.LAYERS.sharedPresent(),
                "no shared conformance folder beside this checkout");
        List<String> a, b;
        try (Stream<Path> s = Files.list(shared); Stream<Path> c = Files.list(ConformanceFolder.LAYERS.copy())) {
            a = s.map(p -> p.getFileName().toString()).sorted().toList();
            b = c.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(a, b, "file names");
        for (String name : a)
            assertEquals(-1L, Files.mismatch(shared.resolve(name), ConformanceFolder.LAYERS.copy().resolve(name)), name + " differs from the shared case");
    }

    @TestFactory
    Stream<DynamicTest> everyCase() throws IOException {
        Path dir = ConformanceFolder.LAYERS.cases();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".case")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no .case file in " + dir.toAbsolutePath());
        return files.stream().flatMap(f -> {
            String name = f.getFileName().toString();
            if (!name.startsWith("conv")) return Stream.of(DynamicTest.dynamicTest(name, () -> run(ConformanceCase.parse(f))));
            // Convolutions have two paths (conv4j's AVX2/FMA kernels where the CPU has them; portable
            // C and OpenBLAS otherwise): every case is checked on both.
            return Stream.of(DynamicTest.dynamicTest(name + " [default kernels]", () -> run(ConformanceCase.parse(f))),
                    DynamicTest.dynamicTest(name + " [portable kernels]", () -> PortableKernels.call(() -> { run(ConformanceCase.parse(f)); return null; })));
        });
    }

    private static void run(ConformanceCase c) {
        switch (c.op()) {
            case "conv2d" -> conv(c);
            case "maxpool2d" -> maxPool(c);
            case "linear" -> linear(c);
            case "relu" -> relu(c);
            case "softmax_cross_entropy" -> softmaxCrossEntropy(c);
            default -> throw new AssertionError(c.file + ": unknown op " + c.op());
        }
    }

    private static void conv(ConformanceCase c) {
        int[] in = c.ints("input"), w = c.ints("weight"), st = c.ints("stride"), pad = c.ints("padding"), dil = c.ints("dilation");
        boolean bias = c.i("bias") == 1;
        Layer conv = new Conv2d(in[1], w[0], w[2], w[3]).stride(st[0], st[1]).padding(pad[0], pad[1])
                .dilation(dil[0], dil[1]).groups(c.i("groups")).bias(bias);
        boolean exact = c.name().startsWith("lecture");
        ConformanceChecks.checkLayer(c, conv, bias ? List.of("w", "b") : List.of("w"), bias ? List.of("dw", "db") : List.of("dw"), List.of(),
                exact);
    }

    private static void maxPool(ConformanceCase c) {
        int[] k = c.ints("kernel"), st = c.ints("stride"), pad = c.ints("padding"), dil = c.ints("dilation");
        Layer pool = new MaxPool2d(k[0], k[1]).stride(st[0], st[1]).padding(pad[0], pad[1]).dilation(dil[0])
                .ceilMode(c.i("ceil_mode") == 1);
        if (dil[0] != dil[1]) throw new AssertionError("rectangular dilation not in the cases");
        ConformanceChecks.checkLayer(c, pool, List.of(), List.of(), List.of(), true);
    }

    private static void linear(ConformanceCase c) {
        int[] w = c.ints("weight");
        boolean bias = c.i("bias") == 1;
        ConformanceChecks.checkLayer(c, new Linear(w[1], w[0]).bias(bias), bias ? List.of("w", "b") : List.of("w"),
                bias ? List.of("dw", "db") : List.of("dw"), List.of(), false);
    }

    private static void relu(ConformanceCase c) {
        ConformanceChecks.checkLayer(c, new ReLU(), List.of(), List.of(), List.of(), true);
    }

    private static void softmaxCrossEntropy(ConformanceCase c) {
        ConformanceChecks.checkLoss(c, new SoftmaxCrossEntropy());
    }
}

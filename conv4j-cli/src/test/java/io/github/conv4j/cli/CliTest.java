package io.github.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.binding.Conv4jNative;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end on the shipped sample, and its answers to bad input. */
class CliTest {
    @TempDir Path tmp;



    @Test void trainEvalPredictOnTheSample() throws Exception {
        Path model = tmp.resolve("m.c4j"), report = tmp.resolve("r.json");
        CliRun t = CliRun.of("train", "--model", "lenet5", "--epochs", "1", "--train-limit", "1280", "--test-limit", "200", "-o", model.toString(),
                "--report", report.toString(), "--no-progress");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("test accuracy"), t.out());
        String json = Files.readString(report);
        assertTrue(json.contains("\"per_epoch\"") && json.contains("\"test_accuracy\"") && json.contains("\"peak_rss_mb\""), json);
        assertTrue(Files.exists(model));

        CliRun e = CliRun.of("eval", model.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("accuracy"), e.out());

        Path png = tmp.resolve("x.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        CliRun p = CliRun.of("predict", model.toString(), png.toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("%"), p.out());

        Path big = tmp.resolve("big.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(32, 30, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", big.toFile());
        CliRun wrongSize = CliRun.of("predict", model.toString(), big.toString());
        assertEquals(1, wrongSize.code());
        assertEquals(1, wrongSize.err().strip().lines().count(), wrongSize.err());
        assertTrue(wrongSize.err().contains("28×28") && wrongSize.err().contains("32×30"), wrongSize.err());
        assertTrue(wrongSize.err().contains(big + ": "), "the image file is named: " + wrongSize.err());

        Path text = tmp.resolve("notes.png");
        Files.writeString(text, "not an image");
        CliRun notImage = CliRun.of("predict", model.toString(), text.toString());
        assertEquals(1, notImage.code());
        assertTrue(notImage.err().contains(text + ": undecodable image: not an image format"), notImage.err());
    }

    @Test void numbersAreCheckedAtTheFlag() {
        String[][] cases = {
                {"--train-limit must be positive, got -5", "train", "--train-limit", "-5"},
                {"--test-limit must be positive, got 0", "train", "--test-limit", "0"},
                {"--epochs must be positive, got 0", "train", "--epochs", "0"},
                {"--batch must be positive, got -1", "train", "--batch", "-1"},
                {"--lr must be a positive number, got NaN", "train", "--lr", "NaN"},
                {"--momentum must be in [0.0, 1.0), got 1.0", "train", "--momentum", "1"},
                {"--threads must be 0 or more, got -2", "eval", "--threads", "-2", "m.c4j"},
                {"--top must be positive, got 0", "predict", "--top", "0", "m.c4j", "x.png"},
                {"--steps must be positive, got 0", "bench", "--steps", "0"},
                {"--infer-batch must be positive, got 0", "bench", "--infer-batch", "0"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.of(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(2, r.code(), "a usage error: " + String.join(" ", c));
            assertTrue(r.err().startsWith(c[0]), r.err());
        }
    }

    @Test void helpGivesEveryOptionADescriptionAndItsDefault() {
        var main = new picocli.CommandLine(new Main());
        for (var sub : main.getSubcommands().values())
            for (var option : sub.getCommandSpec().options()) {
                if (option.usageHelp() || option.versionHelp()) continue;
                String name = sub.getCommandName() + " " + option.longestName(), text = String.join(" ", option.description());
                assertFalse(text.isBlank(), name + " has a description");
                boolean flag = option.type() == boolean.class;
                // A required option has no default: its help says it is required instead.
                String expected = option.required() ? "(required)" : "(default: ";
                assertTrue(flag || text.contains(expected), name + " says " + expected + ": " + text);
            }
        String help = CliRun.of("train", "--help").out();
        assertTrue(help.contains("Images per optimiser step (default: 64)"), help);
        assertTrue(help.contains("Learning rate (default: 0.01)"), help);
    }

    @Test void versionIsTheBuildsOwn() {
        String expected = System.getProperty("conv4j.expected.version");
        CliRun v = CliRun.of("--version");
        assertEquals(0, v.code());
        assertEquals("conv4j " + (expected != null ? expected : VersionProvider.version()), v.out().strip());
        assertFalse(v.out().contains("unknown"), v.out());
    }

    @Test void divergenceBeforeAnyCheckpointNamesNone() {
        Path model = tmp.resolve("d.c4j");
        CliRun r = CliRun.of("train", "--model", "lenet5", "--epochs", "1", "--train-limit", "256", "--test-limit", "64", "--lr", "1e9", "-o",
                model.toString(), "--no-progress");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("training diverged"), r.err());
        assertFalse(r.err().contains("checkpoint"), "no checkpoint was written, so none is named: " + r.err());
    }

    @Test void summaryListsTheKernelsAutoChoseForABatch() {
        String out = CliRun.of("summary", "--model", "reference", "--kernels-batch", "4").out();
        boolean timed = Conv4jNative.fastKernels() == 1 && System.getProperty("conv4j.kernels") == null;
        if (timed) {   // auto by default, which says so and lists what it chose
            assertTrue(out.contains("convolution kernels: auto (the default"), out);
            assertTrue(out.contains("kernels fwd/dW/dX") && out.contains("32x14x14 -> 64 k5x5 s1 p2"), out);
        } else {
            assertTrue(out.contains("convolution kernels: "), out);
        }
    }

    @Test void summaryOfAlexNetAndVgg() {
        assertTrue(CliRun.of("summary", "--model", "alexnet").out().contains("61,100,840"));
        assertTrue(CliRun.of("summary", "--model", "vgg16").out().contains("138,357,544"));
    }

    @Test void badInputIsOneLineAndANonZeroExit() throws Exception {
        CliRun missing = CliRun.of("eval", tmp.resolve("nope.c4j").toString());
        assertEquals(1, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().contains("no such model file"));
        assertFalse(missing.err().contains("\tat "), "no stack trace");

        Path notAModel = tmp.resolve("x.c4j");
        Files.writeString(notAModel, "hello, this is not a model file at all");
        CliRun wrong = CliRun.of("eval", notAModel.toString());
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("not a conv4j model file"), wrong.err());

        CliRun flag = CliRun.of("train", "--epochs", "many");
        assertEquals(2, flag.code());
        CliRun unknown = CliRun.of("summary", "--model", "resnet9000");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("unknown model"), unknown.err());
    }
}

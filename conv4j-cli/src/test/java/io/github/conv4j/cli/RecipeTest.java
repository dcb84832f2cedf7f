package io.github.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.train.EpochResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** {@code conv4j train --recipe}: the flags a recipe sets, the ones the command line wins, its data default, its report. */
class RecipeTest {
    @TempDir Path tmp;

    /** A train command parsed from {@code args}, as picocli hands it to {@code call()}. */
    private static TrainCommand parsed(String... args) {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs(args);
        return train;
    }

    @Test void fashion93SetsItsFlagsAndTheCommandLineWins() {
        TrainCommand t = parsed("--recipe", "fashion93", "--epochs", "3", "--lr", "0.2", "--data", Common.SAMPLE.toString());
        Recipe.Applied applied = Recipe.named(t.spec, t.recipe).applyTo(t.spec, "--data");
        assertEquals("fashioncnn", t.model);
        assertEquals("crop,flip", t.augment);
        assertEquals(128, t.batch);
        assertEquals("cosine", t.schedule);
        assertEquals(469, t.warmup);
        assertEquals(0.1, t.labelSmoothing);
        assertTrue(t.nesterov && t.noDecayBiasNorm);
        assertEquals(3, t.epochs, "--epochs given on the command line wins");
        assertEquals(0.2, t.lr, "--lr given on the command line wins");
        assertEquals(Common.SAMPLE, t.data, "--data given: the recipe's default folder is not used");
        assertEquals(List.of("--epochs", "--lr"), applied.overridden());
        assertEquals(3, applied.effective().get("--epochs"));
        assertEquals(0.2, applied.effective().get("--lr"));
        assertTrue(applied.line().contains("--epochs 3") && applied.line().contains("--nesterov")
                && applied.line().contains("given on the command line: --epochs, --lr"), applied.line());
    }

    @Test void everyRecipeSetsFlagsTheCommandHasWithValuesOfTheirType() {
        for (Recipe recipe : Recipe.ALL) {
            TrainCommand t = parsed("--data", tmp.toString());
            Recipe.Applied applied = recipe.applyTo(t.spec, "--data");
            assertEquals(recipe.settings(), applied.effective(), recipe.name());
            assertTrue(applied.overridden().isEmpty(), recipe.name());
            // Each value is of the flag's own type, as its parsed value would be.
            recipe.settings().forEach((flag, value) -> assertEquals(boxed(t.spec.findOption(flag).type()), value.getClass(),
                    recipe.name() + " " + flag + " = " + value));
        }
    }

    private static Class<?> boxed(Class<?> c) {
        return !c.isPrimitive() ? c : c == int.class ? Integer.class : c == long.class ? Long.class : c == double.class ? Double.class
                : c == boolean.class ? Boolean.class : c;
    }

    @Test void aMissingDefaultFolderAsksForData() {
        Recipe away = new Recipe("away", "a test recipe", tmp.resolve("not-there"), 0.9, Map.of("--epochs", 2));
        TrainCommand t = parsed();
        ParameterException e = assertThrows(ParameterException.class, () -> away.applyTo(t.spec, "--data"));
        assertTrue(e.getMessage().contains(tmp.resolve("not-there").toString()) && e.getMessage().contains("pass --data DIR"), e.getMessage());

        CliRun unknown = CliRun.of("train", "--recipe", "fashion99");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown recipe 'fashion99' (known: fashion93)"), unknown.err());
    }

    @Test void theReportTimesTheFirstEpochAtTheTarget() {
        Recipe.Applied applied = Recipe.FASHION93.applyTo(parsed("--data", tmp.toString()).spec, "--data");
        List<EpochResult> history = List.of(epoch(1, 0.90), epoch(2, 0.9301), epoch(3, 0.935), epoch(4, 0.929));
        Map<String, Object> r = applied.report(history, Map.of(1, 50.0, 2, 101.5, 3, 152.0, 4, 203.0));
        assertEquals(101.5, r.get("seconds_to_target"));
        assertEquals(2, r.get("epoch_reaching_target"));
        assertEquals("fashion93", r.get("recipe"));
        assertEquals(0.93, r.get("target_accuracy"));

        Map<String, Object> never = applied.report(List.of(epoch(1, 0.5), epoch(2, 0.92)), Map.of(1, 1.0, 2, 2.0));
        assertNull(never.get("seconds_to_target"));
        // A resumed run restored epoch 1 (untimed here): its accuracy does not count as reached in this run.
        Map<String, Object> resumed = applied.report(List.of(epoch(1, 0.95), epoch(2, 0.96)), Map.of(2, 30.0));
        assertEquals(30.0, resumed.get("seconds_to_target"));
    }

    private static EpochResult epoch(int n, double testAccuracy) {
        return new EpochResult(n, 0.5, 0.9, 0.3, testAccuracy, 1000, 50, 0.01);
    }

    @Test void fashion93LearnsTheSampleInTwoShortEpochs() throws Exception {
        Path report = tmp.resolve("r.json");
        // The recipe on the shipped sample, cut to CI size: 2 epochs of 2,000 images, a warm-up of 20 steps.
        CliRun t = CliRun.of("train", "--recipe", "fashion93", "--data", Common.SAMPLE.toString(), "--epochs", "2", "--train-limit", "2000",
                "--test-limit", "500", "--warmup", "20", "-o", tmp.resolve("f.c4j").toString(), "--report", report.toString(), "--no-progress");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("recipe fashion93: --model fashioncnn"), t.out());
        String json = Files.readString(report);
        assertTrue(json.contains("\"recipe\": \"fashion93\"") && json.contains("\"model\": \"fashioncnn\"")
                && json.contains("\"augment\": \"crop,flip\""), json);
        assertTrue(json.contains("\"recipe_overridden\": [\n    \"--epochs\",\n    \"--warmup\"\n  ]"), json);
        Matcher elapsed = Pattern.compile("\"elapsed_seconds\": ([0-9.E-]+)").matcher(json);
        double previous = 0;
        int epochs = 0;
        while (elapsed.find()) {
            double s = Double.parseDouble(elapsed.group(1));
            assertTrue(s > previous, "elapsed seconds grow epoch by epoch: " + json);
            previous = s;
            epochs++;
        }
        assertEquals(2, epochs, json);
        double accuracy = Double.parseDouble(json.replaceAll("(?s).*\"test_accuracy\": ([0-9.]+)\\s*,\\s*\"train_images_per_second\".*", "$1"));
        assertTrue(accuracy > 0.70, "fashioncnn under the recipe reaches 70 % on the sample in 2 short epochs, got " + accuracy);
        if (accuracy < 0.93) assertTrue(json.contains("\"seconds_to_target\": null"), json);
    }
}

package io.github.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.conv4j.data.DataFormat;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --class-weights}: {@code auto} weighs each class by the inverse of its frequency
 * among the images trained on, given weights reach the loss, both are in the report, and bad
 * lists are usage errors naming what is wrong.
 */
class ClassWeightsCliTest {
    private static final int LIMIT = 300;
    @TempDir Path tmp;

    private CliRun train(String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--model", "lenet5", "--epochs", "1", "--batch", "50", "--train-limit",
                Integer.toString(LIMIT), "--test-limit", "50", "--no-progress", "-o", tmp.resolve(name + ".c4j").toString(),
                "--report", tmp.resolve(name + ".json").toString()));
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        return r;
    }

    private String report(String name) throws Exception { return Files.readString(tmp.resolve(name + ".json")); }

    private static double firstTrainLoss(String json) {
        Matcher m = Pattern.compile("\"train_loss\": ([0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), json);
        return Double.parseDouble(m.group(1));
    }

    private static List<Double> weightsIn(String json) {
        Matcher m = Pattern.compile("\"weights\": \\[([^]]*)]").matcher(json);
        assertTrue(m.find(), json);
        List<Double> w = new ArrayList<>();
        for (String v : m.group(1).split(",")) w.add(Double.parseDouble(v.strip()));
        return w;
    }

    @Test void autoWeighsClassesByTheirInverseFrequencyInTheTrainingImages() throws Exception {
        train("auto", "--class-weights", "auto");
        Dataset data = DataFormat.detect(Common.SAMPLE).read(Common.SAMPLE, Split.TRAIN, 28, 0).first(LIMIT);
        long[] counts = new long[data.classes()];
        for (int i = 0; i < data.size(); i++) counts[data.label(i)]++;
        List<Double> weights = weightsIn(report("auto"));
        assertEquals(data.classes(), weights.size());
        boolean unequal = false;
        for (int c = 0; c < counts.length; c++) {
            double want = counts[c] == 0 ? 0 : (double) LIMIT / (counts.length * counts[c]);
            assertEquals(want, weights.get(c), 1e-6 * want, "class " + c + " with " + counts[c] + " of " + LIMIT + " images");
            unequal |= Math.abs(weights.get(c) - weights.get(0)) > 1e-6;
        }
        assertTrue(unequal, "the sample's first " + LIMIT + " images are not perfectly balanced, so the weights differ");
        assertTrue(report("auto").contains("\"given\": \"auto\""), report("auto"));
    }

    @Test void givenWeightsReachTheLoss() throws Exception {
        train("none");
        train("ones", "--class-weights", "1,1,1,1,1,1,1,1,1,1");
        train("skewed", "--class-weights", "5,1,1,1,1,1,1,1,1,0.1");
        double none = firstTrainLoss(report("none")), ones = firstTrainLoss(report("ones")), skewed = firstTrainLoss(report("skewed"));
        // equal weights are the unweighted mean (the weights' sum is then N); skewed ones change what is minimised
        assertEquals(none, ones, 1e-5 * none);
        assertNotEquals(none, skewed, 1e-3 * none);
        assertEquals(List.of(5.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.1), weightsIn(report("skewed")).stream()
                .map(w -> Math.round(w * 1000) / 1000.0).toList());
    }

    @Test void badWeightListsAreUsageErrors() {
        String[][] cases = {
            {"3 weights for the data's 10 classes", "1,2,3"},
            {"weight 2 must be finite and 0 or more, got -1", "1,-1,1,1,1,1,1,1,1,1"},
            {"weight 3 must be finite and 0 or more, got Infinity", "1,1,Infinity,1,1,1,1,1,1,1"},
            {"weight 1 must be finite and 0 or more, got NaN", "NaN,1,1,1,1,1,1,1,1,1"},
            {"weight 2 'x' is not a number", "1,x"},
            {"the weights are all 0", "0,0,0,0,0,0,0,0,0,0"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.of("train", "--model", "lenet5", "--epochs", "1", "--train-limit", "100", "--test-limit", "20", "--no-progress",
                    "-o", tmp.resolve("bad.c4j").toString(), "--class-weights", c[1]);
            assertEquals(2, r.code(), c[1] + ": " + r.out() + r.err());
            assertTrue(r.err().contains("--class-weights: " + c[0]), r.err());
        }
    }
}
